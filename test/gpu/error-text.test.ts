// gpuErrorText: Dawn's messages as people read them (the training error, the page's overlay).
import { describe, expect, it } from 'vitest';
import { gpuErrorText } from '../../src/gpu/device';

describe('gpuErrorText', () => {
  it("drops Dawn's source locations and joins its lines", () => {
    // Dawn's out-of-memory error, as seen with 1M splats on SwiftShader.
    const dawn =
      'vkAllocateMemory failed with VK_ERROR_OUT_OF_DEVICE_MEMORY\n' +
      ' - While calling [Device "splat device"].CreateBuffer([BufferDescriptor ""Backward.vIsect""]).\n' +
      '    at CheckVkOOMThenSuccessImpl (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/VulkanError.cpp:119)\n';
    expect(gpuErrorText(dawn)).toBe(
      'vkAllocateMemory failed with VK_ERROR_OUT_OF_DEVICE_MEMORY - While calling [Device "splat device"].CreateBuffer([BufferDescriptor ""Backward.vIsect""]).',
    );
  });

  it('keeps a one-line message as it is', () => {
    expect(gpuErrorText('[Buffer "x"] used in submit while destroyed.')).toBe('[Buffer "x"] used in submit while destroyed.');
  });
});
