#version 300 es
// Shows the uploaded frame (src/app/present.ts GlSink): texel for texel when the drawing buffer
// has the frame's size (a frame drawn before a resize is scaled, nearest texel), rows reversed:
// the frame's first row is its top, GL's window rows count from the bottom.
precision highp float;
precision highp int;
uniform highp sampler2D frame_rgba;  // [height, width] RGBA8, top row first
uniform vec2 out_size;               // drawing buffer width, height
out vec4 colour;

void main() {
  ivec2 size = textureSize(frame_rgba, 0);
  ivec2 t = ivec2(floor(gl_FragCoord.xy * (vec2(size) / out_size)));
  t = clamp(t, ivec2(0), size - 1);
  colour = vec4(texelFetch(frame_rgba, ivec2(t.x, size.y - 1 - t.y), 0).rgb, 1.0);
}
