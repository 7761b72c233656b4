package dsr3d.tests.cuda.support;

/**
 * Two tiny kernels in hand-written PTX, so the driver binding can be tested on a GPU machine
 * without nvcc and without the project's own fatbin. The text was checked with
 * {@code ptxas -arch=sm_90} (CUDA 13.0); .target sm_52 lets any newer GPU JIT it.
 */
public final class TestKernels {
    private TestKernels() {}

    /** dsr3d_test_saxpy(float* x, float* y, float a, int n): y[i] = a*x[i] + y[i].
     *  dsr3d_test_iota_i64(long* out, long v, int n): out[i] = v + i. */
    public static final String PTX = """
            .version 7.0
            .target sm_52
            .address_size 64

            .visible .entry dsr3d_test_saxpy(
                .param .u64 p_x,
                .param .u64 p_y,
                .param .f32 p_a,
                .param .u32 p_n
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<6>;
                .reg .f32 %f<5>;
                .reg .b64 %rd<8>;

                ld.param.u64 %rd1, [p_x];
                ld.param.u64 %rd2, [p_y];
                ld.param.f32 %f1, [p_a];
                ld.param.u32 %r1, [p_n];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                setp.ge.s32 %p1, %r5, %r1;
                @%p1 bra DONE;
                cvta.to.global.u64 %rd3, %rd1;
                cvta.to.global.u64 %rd4, %rd2;
                mul.wide.s32 %rd5, %r5, 4;
                add.s64 %rd6, %rd3, %rd5;
                add.s64 %rd7, %rd4, %rd5;
                ld.global.f32 %f2, [%rd6];
                ld.global.f32 %f3, [%rd7];
                fma.rn.f32 %f4, %f1, %f2, %f3;
                st.global.f32 [%rd7], %f4;
            DONE:
                ret;
            }

            .visible .entry dsr3d_test_iota_i64(
                .param .u64 p_out,
                .param .u64 p_v,
                .param .u32 p_n
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<6>;
                .reg .b64 %rd<8>;

                ld.param.u64 %rd1, [p_out];
                ld.param.u64 %rd2, [p_v];
                ld.param.u32 %r1, [p_n];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                setp.ge.s32 %p1, %r5, %r1;
                @%p1 bra DONE2;
                cvta.to.global.u64 %rd3, %rd1;
                mul.wide.s32 %rd4, %r5, 8;
                add.s64 %rd5, %rd3, %rd4;
                cvt.s64.s32 %rd6, %r5;
                add.s64 %rd7, %rd2, %rd6;
                st.global.u64 [%rd5], %rd7;
            DONE2:
                ret;
            }
            """;
}
