package dsr3d.cuda.driver;

import java.util.HashMap;
import java.util.Map;

/**
 * Names of status codes, used in error messages next to the library's own error string (and
 * instead of it when the library cannot give one, e.g. cuGetErrorString itself failed).
 * The CUresult table was generated from the CUDA 13.0 cuda.h ({@code enum cudaError_enum});
 * the cuBLAS one follows cublas_api.h. cuDNN 9 renumbered its statuses into categories
 * (1xxx not initialised / version, 2xxx bad parameter, 3xxx not supported, 4xxx internal error,
 * 5xxx execution failed), so for cuDNN only the category is named here and the exact text comes
 * from cudnnGetErrorString.
 */
public final class CudaErrors {
    private CudaErrors() {}

    public static final int CUDA_SUCCESS = 0;
    public static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    public static final int CUDA_ERROR_NO_DEVICE = 100;
    public static final int CUBLAS_STATUS_ALLOC_FAILED = 3;
    /** cuDNN 9 has no plain ALLOC_FAILED any more; -1 never matches a real status. */
    public static final int CUDNN_STATUS_ALLOC_FAILED = -1;

    private static final Map<Integer, String> CU_RESULT = new HashMap<>();
    private static final Map<Integer, String> CUBLAS = new HashMap<>();

    private static void e(int code, String name) { CU_RESULT.put(code, name); }

    private static void b(int code, String name) { CUBLAS.put(code, name); }

    static {
        e(0, "CUDA_SUCCESS");
        e(1, "CUDA_ERROR_INVALID_VALUE");
        e(2, "CUDA_ERROR_OUT_OF_MEMORY");
        e(3, "CUDA_ERROR_NOT_INITIALIZED");
        e(4, "CUDA_ERROR_DEINITIALIZED");
        e(5, "CUDA_ERROR_PROFILER_DISABLED");
        e(6, "CUDA_ERROR_PROFILER_NOT_INITIALIZED");
        e(7, "CUDA_ERROR_PROFILER_ALREADY_STARTED");
        e(8, "CUDA_ERROR_PROFILER_ALREADY_STOPPED");
        e(34, "CUDA_ERROR_STUB_LIBRARY");
        e(36, "CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER");
        e(46, "CUDA_ERROR_DEVICE_UNAVAILABLE");
        e(100, "CUDA_ERROR_NO_DEVICE");
        e(101, "CUDA_ERROR_INVALID_DEVICE");
        e(102, "CUDA_ERROR_DEVICE_NOT_LICENSED");
        e(200, "CUDA_ERROR_INVALID_IMAGE");
        e(201, "CUDA_ERROR_INVALID_CONTEXT");
        e(202, "CUDA_ERROR_CONTEXT_ALREADY_CURRENT");
        e(205, "CUDA_ERROR_MAP_FAILED");
        e(206, "CUDA_ERROR_UNMAP_FAILED");
        e(207, "CUDA_ERROR_ARRAY_IS_MAPPED");
        e(208, "CUDA_ERROR_ALREADY_MAPPED");
        e(209, "CUDA_ERROR_NO_BINARY_FOR_GPU");
        e(210, "CUDA_ERROR_ALREADY_ACQUIRED");
        e(211, "CUDA_ERROR_NOT_MAPPED");
        e(212, "CUDA_ERROR_NOT_MAPPED_AS_ARRAY");
        e(213, "CUDA_ERROR_NOT_MAPPED_AS_POINTER");
        e(214, "CUDA_ERROR_ECC_UNCORRECTABLE");
        e(215, "CUDA_ERROR_UNSUPPORTED_LIMIT");
        e(216, "CUDA_ERROR_CONTEXT_ALREADY_IN_USE");
        e(217, "CUDA_ERROR_PEER_ACCESS_UNSUPPORTED");
        e(218, "CUDA_ERROR_INVALID_PTX");
        e(219, "CUDA_ERROR_INVALID_GRAPHICS_CONTEXT");
        e(220, "CUDA_ERROR_NVLINK_UNCORRECTABLE");
        e(221, "CUDA_ERROR_JIT_COMPILER_NOT_FOUND");
        e(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION");
        e(223, "CUDA_ERROR_JIT_COMPILATION_DISABLED");
        e(224, "CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY");
        e(225, "CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC");
        e(226, "CUDA_ERROR_CONTAINED");
        e(300, "CUDA_ERROR_INVALID_SOURCE");
        e(301, "CUDA_ERROR_FILE_NOT_FOUND");
        e(302, "CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND");
        e(303, "CUDA_ERROR_SHARED_OBJECT_INIT_FAILED");
        e(304, "CUDA_ERROR_OPERATING_SYSTEM");
        e(400, "CUDA_ERROR_INVALID_HANDLE");
        e(401, "CUDA_ERROR_ILLEGAL_STATE");
        e(402, "CUDA_ERROR_LOSSY_QUERY");
        e(500, "CUDA_ERROR_NOT_FOUND");
        e(600, "CUDA_ERROR_NOT_READY");
        e(700, "CUDA_ERROR_ILLEGAL_ADDRESS");
        e(701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES");
        e(702, "CUDA_ERROR_LAUNCH_TIMEOUT");
        e(703, "CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING");
        e(704, "CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED");
        e(705, "CUDA_ERROR_PEER_ACCESS_NOT_ENABLED");
        e(708, "CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE");
        e(709, "CUDA_ERROR_CONTEXT_IS_DESTROYED");
        e(710, "CUDA_ERROR_ASSERT");
        e(711, "CUDA_ERROR_TOO_MANY_PEERS");
        e(712, "CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED");
        e(713, "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED");
        e(714, "CUDA_ERROR_HARDWARE_STACK_ERROR");
        e(715, "CUDA_ERROR_ILLEGAL_INSTRUCTION");
        e(716, "CUDA_ERROR_MISALIGNED_ADDRESS");
        e(717, "CUDA_ERROR_INVALID_ADDRESS_SPACE");
        e(718, "CUDA_ERROR_INVALID_PC");
        e(719, "CUDA_ERROR_LAUNCH_FAILED");
        e(720, "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE");
        e(721, "CUDA_ERROR_TENSOR_MEMORY_LEAK");
        e(800, "CUDA_ERROR_NOT_PERMITTED");
        e(801, "CUDA_ERROR_NOT_SUPPORTED");
        e(802, "CUDA_ERROR_SYSTEM_NOT_READY");
        e(803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH");
        e(804, "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE");
        e(805, "CUDA_ERROR_MPS_CONNECTION_FAILED");
        e(806, "CUDA_ERROR_MPS_RPC_FAILURE");
        e(807, "CUDA_ERROR_MPS_SERVER_NOT_READY");
        e(808, "CUDA_ERROR_MPS_MAX_CLIENTS_REACHED");
        e(809, "CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED");
        e(810, "CUDA_ERROR_MPS_CLIENT_TERMINATED");
        e(811, "CUDA_ERROR_CDP_NOT_SUPPORTED");
        e(812, "CUDA_ERROR_CDP_VERSION_MISMATCH");
        e(900, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED");
        e(901, "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED");
        e(902, "CUDA_ERROR_STREAM_CAPTURE_MERGE");
        e(903, "CUDA_ERROR_STREAM_CAPTURE_UNMATCHED");
        e(904, "CUDA_ERROR_STREAM_CAPTURE_UNJOINED");
        e(905, "CUDA_ERROR_STREAM_CAPTURE_ISOLATION");
        e(906, "CUDA_ERROR_STREAM_CAPTURE_IMPLICIT");
        e(907, "CUDA_ERROR_CAPTURED_EVENT");
        e(908, "CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD");
        e(909, "CUDA_ERROR_TIMEOUT");
        e(910, "CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE");
        e(911, "CUDA_ERROR_EXTERNAL_DEVICE");
        e(912, "CUDA_ERROR_INVALID_CLUSTER_SIZE");
        e(913, "CUDA_ERROR_FUNCTION_NOT_LOADED");
        e(914, "CUDA_ERROR_INVALID_RESOURCE_TYPE");
        e(915, "CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION");
        e(916, "CUDA_ERROR_KEY_ROTATION");
        e(999, "CUDA_ERROR_UNKNOWN");
        b(0, "CUBLAS_STATUS_SUCCESS");
        b(1, "CUBLAS_STATUS_NOT_INITIALIZED");
        b(3, "CUBLAS_STATUS_ALLOC_FAILED");
        b(7, "CUBLAS_STATUS_INVALID_VALUE");
        b(8, "CUBLAS_STATUS_ARCH_MISMATCH");
        b(11, "CUBLAS_STATUS_MAPPING_ERROR");
        b(13, "CUBLAS_STATUS_EXECUTION_FAILED");
        b(14, "CUBLAS_STATUS_INTERNAL_ERROR");
        b(15, "CUBLAS_STATUS_NOT_SUPPORTED");
        b(16, "CUBLAS_STATUS_LICENSE_ERROR");
    }

    /** E.g. 2 -> "CUDA_ERROR_OUT_OF_MEMORY"; unknown codes -> "CUresult 12345". */
    public static String cuResultName(int code) {
        String n = CU_RESULT.get(code);
        return n != null ? n : "CUresult " + code;
    }

    /** E.g. 3 -> "CUBLAS_STATUS_ALLOC_FAILED"; unknown codes -> "cublasStatus 12345". */
    public static String cublasStatusName(int code) {
        String n = CUBLAS.get(code);
        return n != null ? n : "cublasStatus " + code;
    }

    /** The cuDNN 9 category of a status, e.g. 2000 or 2002 -> "CUDNN_STATUS_BAD_PARAM (category)". */
    public static String cudnnStatusCategory(int code) {
        if (code == 0) return "CUDNN_STATUS_SUCCESS";
        return switch (code / 1000) {
            case 1 -> "CUDNN_STATUS_NOT_INITIALIZED/VERSION (category)";
            case 2 -> "CUDNN_STATUS_BAD_PARAM (category)";
            case 3 -> "CUDNN_STATUS_NOT_SUPPORTED (category)";
            case 4 -> "CUDNN_STATUS_INTERNAL_ERROR (category)";
            case 5 -> "CUDNN_STATUS_EXECUTION_FAILED (category)";
            default -> "cudnnStatus " + code;
        };
    }

    /** "fn(args) failed: NAME (code): detail", the one format of every CUDA error message. */
    public static String message(String function, String args, String name, int code, String detail) {
        StringBuilder sb = new StringBuilder(function);
        sb.append('(').append(args == null ? "" : args).append(") failed: ").append(name).append(" (").append(code).append(')');
        if (detail != null && !detail.isBlank() && !detail.equals(name)) sb.append(": ").append(detail);
        return sb.toString();
    }
}
