/** CUDA backend (issue "CUDA backend"): FFM bindings to libcuda, cuBLAS and cuDNN, our .cu
 *  kernels and the Backend implementation registered through ServiceLoader. Not yet filled. */
package dsr3d.cuda;
