// The devices kernelfit ships: importing this registers them (each loads its native parts — libcuda,
// NVRTC, Dawn — only when a device is opened or detected). The replay device registers itself in registry.ts.
import './cuda/register.ts';
import './webgpu/register.ts';
