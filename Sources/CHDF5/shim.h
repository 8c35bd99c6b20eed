// HDF5's C API, found through pkg-config's `hdf5-serial` (Debian's libhdf5-dev puts the headers in
// /usr/include/hdf5/serial). Many of HDF5's constants are macros that call H5open() or cast, which
// Swift does not import; the inline functions below hand them over as values.
#include <hdf5.h>

static inline hid_t chdf5_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_all(void) { return H5S_ALL; }
static inline hid_t chdf5_error_stack_default(void) { return H5E_DEFAULT; }
static inline unsigned chdf5_read_only(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_truncate(void) { return H5F_ACC_TRUNC; }
static inline unsigned chdf5_exclusive(void) { return H5F_ACC_EXCL; }
static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t chdf5_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t chdf5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_c_string(void) { return H5T_C_S1; }
static inline size_t chdf5_variable_size(void) { return H5T_VARIABLE; }
static inline hid_t chdf5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t chdf5_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t chdf5_link_create_class(void) { return H5P_LINK_CREATE; }
static inline hid_t chdf5_dataset_create_class(void) { return H5P_DATASET_CREATE; }
static inline hid_t chdf5_dataset_access_class(void) { return H5P_DATASET_ACCESS; }
static inline size_t chdf5_chunk_cache_slots_default(void) { return H5D_CHUNK_CACHE_NSLOTS_DEFAULT; }
static inline double chdf5_chunk_cache_w0_default(void) { return H5D_CHUNK_CACHE_W0_DEFAULT; }
