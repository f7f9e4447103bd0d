using System.Runtime.InteropServices;
using System.Text;

namespace StyleGan.Distributed;

/// <summary>
/// The MPI C API of Open MPI (libmpi.so.40, Debian's libopenmpi3), which mpirun's processes call. Open MPI's handles
/// (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are the addresses of its predefined objects, read here from the
/// library's exports; MPICH, whose handles are integers, has another ABI and is not supported.
/// </summary>
static class OpenMpi
{
    const string Library = "libmpi.so.40";
    const int RtldNow = 2, RtldGlobal = 0x100;

    public const int Success = 0;
    public const int ThreadSerialized = 2;
    public static readonly IntPtr InPlace = 1; // MPI_IN_PLACE in Open MPI's mpi.h

    public static IntPtr CommWorld { get; private set; }
    public static IntPtr Float { get; private set; }
    public static IntPtr Double { get; private set; }
    public static IntPtr Int64 { get; private set; }
    public static IntPtr Byte { get; private set; }
    public static IntPtr Sum { get; private set; }
    public static IntPtr ErrorsReturn { get; private set; }

    /// <summary>
    /// Loads the library for the whole process: Open MPI's components (mca_*.so) are loaded by it later and find its
    /// symbols only when it is global, which .NET's own loading (RTLD_LOCAL) is not.
    /// </summary>
    public static void Load()
    {
        if (CommWorld != IntPtr.Zero) return;
        var handle = dlopen(Library, RtldNow | RtldGlobal);
        if (handle == IntPtr.Zero)
            throw new DllNotFoundException($"Open MPI's {Library} could not be loaded ({Marshal.PtrToStringUTF8(dlerror())}); install it with `apt-get install openmpi-bin libopenmpi-dev`.");
        IntPtr Export(string name) => NativeLibrary.GetExport(handle, name);
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        Int64 = Export("ompi_mpi_int64_t");
        Byte = Export("ompi_mpi_byte");
        Sum = Export("ompi_mpi_op_sum");
        ErrorsReturn = Export("ompi_mpi_errors_return");
        CommWorld = Export("ompi_mpi_comm_world");
    }

    /// <summary>MPI_Error_string of an error code.</summary>
    public static string ErrorText(int code)
    {
        var buffer = new byte[256]; // MPI_MAX_ERROR_STRING
        return MPI_Error_string(code, buffer, out int length) == Success ? Encoding.UTF8.GetString(buffer, 0, length) : $"MPI error {code}";
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    static extern IntPtr dlopen(string file, int mode);

    [DllImport("libc")]
    static extern IntPtr dlerror();

    [DllImport(Library)]
    public static extern int MPI_Initialized(out int flag);

    [DllImport(Library)]
    public static extern int MPI_Finalized(out int flag);

    [DllImport(Library)]
    public static extern int MPI_Init_thread(IntPtr argc, IntPtr argv, int required, out int provided);

    [DllImport(Library)]
    public static extern int MPI_Finalize();

    [DllImport(Library)]
    public static extern int MPI_Comm_rank(IntPtr comm, out int rank);

    [DllImport(Library)]
    public static extern int MPI_Comm_size(IntPtr comm, out int size);

    [DllImport(Library)]
    public static extern int MPI_Comm_set_errhandler(IntPtr comm, IntPtr errhandler);

    [DllImport(Library)]
    public static extern int MPI_Allreduce(IntPtr sendbuf, IntPtr recvbuf, int count, IntPtr datatype, IntPtr op, IntPtr comm);

    [DllImport(Library)]
    public static extern int MPI_Bcast(IntPtr buffer, int count, IntPtr datatype, int root, IntPtr comm);

    [DllImport(Library)]
    public static extern int MPI_Allgather(IntPtr sendbuf, int sendcount, IntPtr sendtype, IntPtr recvbuf, int recvcount, IntPtr recvtype, IntPtr comm);

    [DllImport(Library)]
    public static extern int MPI_Abort(IntPtr comm, int errorcode);

    [DllImport(Library)]
    static extern int MPI_Error_string(int errorcode, byte[] text, out int length);
}
