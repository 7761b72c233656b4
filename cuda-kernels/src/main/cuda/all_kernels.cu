// all_kernels.cu: the umbrella translation unit. nvcc compiles this one file into
// target/classes/dsr3d/cuda/kernels.fatbin (sm_90 SASS + compute_90 PTX), which Kernels.java loads.
// Every kernel file is included once; their extern "C" names are unique by the naming rule.
#include "elementwise.cu"
#include "reduce.cu"
#include "softmax.cu"
#include "instance_norm.cu"
#include "pool2d.cu"
#include "upsample.cu"
#include "matmul.cu"
#include "conv2d.cu"
#include "vq_nearest.cu"
#include "vq_ema.cu"
#include "index.cu"
