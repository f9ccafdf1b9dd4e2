// The gradient planes (v_ssim, v_ssim_h) as the taps and sums of common/ssim_strip.wgsl, for
// ssim_backward_h_strip.wgsl and loss_backward_strip.wgsl. Needs common/ssim.wgsl.

alias Tap = GradPlanes;
alias Sum = GradPlanes;

fn strip_add(s: Sum, t: Tap, g: f32) -> Sum {
  return grads_add(s, t, g);
}

fn strip_zero() -> Sum {
  return grads_zero();
}
