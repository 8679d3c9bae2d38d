/*
 * flowc runtime C API.
 *
 * Load a bundle written by the flowc compiler, set inputs, run, read outputs:
 *
 *   flowc_model *model;
 *   if (flowc_model_load("model.fcb", &model) != FLOWC_OK) {
 *     fprintf(stderr, "%s\n", flowc_last_error());
 *     return 1;
 *   }
 *   flowc_session *session;
 *   flowc_session_create(model, 0, &session);          // 0 threads: every core
 *   int64_t shape[2] = {1, 4};
 *   float x[4] = {1, 2, 3, 4};
 *   flowc_session_set_input(session, 0, x, sizeof x, FLOWC_DTYPE_F32, shape, 2);
 *   flowc_session_run(session);
 *   const void *y; size_t y_size;
 *   flowc_session_get_output(session, 0, &y, &y_size);
 *   flowc_session_free(session);
 *   flowc_model_free(model);
 *
 * Conventions:
 * - Functions returning int return a status code: FLOWC_OK (0) or a FLOWC_ERROR_* value; on
 *   error, flowc_last_error() describes it (per thread). Output parameters are written only
 *   on success (pointers to handles are set to NULL on failure).
 * - Tensors are dense, row-major, little-endian; shapes are static and must match the model's
 *   signature exactly (dtype, shape and byte size are checked).
 * - A model may be shared by any number of threads (e.g. one session per thread); a session is
 *   used by one thread at a time. A session keeps its model alive: the model may be freed
 *   before its sessions.
 * - No function unwinds or aborts on bad input; internal failures return FLOWC_ERROR_INTERNAL.
 */
#ifndef FLOWC_H
#define FLOWC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handles. */
typedef struct flowc_model flowc_model;
typedef struct flowc_session flowc_session;

/* Status codes. */
enum {
  FLOWC_OK = 0,
  FLOWC_ERROR_INVALID_ARGUMENT = 1, /* NULL pointer, unknown dtype code, negative dim ... */
  FLOWC_ERROR_IO = 2,               /* the bundle file could not be read */
  FLOWC_ERROR_BAD_BUNDLE = 3,       /* malformed or inconsistent bundle */
  FLOWC_ERROR_UNSUPPORTED = 4,      /* a device or target this runtime does not run */
  FLOWC_ERROR_LOAD = 5,             /* the kernels' shared object or a kernel symbol failed */
  FLOWC_ERROR_OUT_OF_MEMORY = 6,
  FLOWC_ERROR_NOT_FOUND = 7,        /* no input / output with that index or name */
  FLOWC_ERROR_DTYPE = 8,            /* input dtype differs from the signature */
  FLOWC_ERROR_SHAPE = 9,            /* input shape or byte size differs from the signature */
  FLOWC_ERROR_MISSING_INPUT = 10,   /* run before every input was set */
  FLOWC_ERROR_NOT_RUN = 11,         /* output read before the first run */
  FLOWC_ERROR_BUFFER_TOO_SMALL = 12,
  FLOWC_ERROR_INTERNAL = 13
};

/* Element types (the bundle format's numbers). */
typedef enum flowc_dtype {
  FLOWC_DTYPE_F16 = 1,
  FLOWC_DTYPE_BF16 = 2,
  FLOWC_DTYPE_F32 = 3,
  FLOWC_DTYPE_F64 = 4,
  FLOWC_DTYPE_I8 = 5,
  FLOWC_DTYPE_I16 = 6,
  FLOWC_DTYPE_I32 = 7,
  FLOWC_DTYPE_I64 = 8,
  FLOWC_DTYPE_U8 = 9,
  FLOWC_DTYPE_U16 = 10,
  FLOWC_DTYPE_U32 = 11,
  FLOWC_DTYPE_U64 = 12,
  FLOWC_DTYPE_BOOL = 13 /* one byte per element */
} flowc_dtype;

/* The runtime's version, e.g. "0.1.0". */
const char *flowc_version(void);
/* The message of the last failed call on this thread ("" if none); valid until the next
 * failing call on this thread. */
const char *flowc_last_error(void);
/* "FLOWC_OK", "FLOWC_ERROR_SHAPE", ... */
const char *flowc_status_name(int status);
/* Bytes per element; 0 for an unknown dtype. */
size_t flowc_dtype_size(int dtype);
/* "f32", "i64", "bool", ...; NULL for an unknown dtype. */
const char *flowc_dtype_name(int dtype);

/* Models. */
int flowc_model_load(const char *path, flowc_model **model);
/* The bytes are copied; `data` may be freed after the call. */
int flowc_model_load_from_memory(const void *data, size_t size, flowc_model **model);
void flowc_model_free(flowc_model *model); /* NULL is ignored */

size_t flowc_model_num_inputs(const flowc_model *model);  /* 0 for NULL */
size_t flowc_model_num_outputs(const flowc_model *model); /* 0 for NULL */
/* Names and shapes are owned by the model and live as long as it. */
int flowc_model_input_name(const flowc_model *model, size_t index, const char **name);
int flowc_model_output_name(const flowc_model *model, size_t index, const char **name);
int flowc_model_input_dtype(const flowc_model *model, size_t index, int *dtype);
int flowc_model_output_dtype(const flowc_model *model, size_t index, int *dtype);
int flowc_model_input_shape(const flowc_model *model, size_t index, const int64_t **shape,
                            size_t *rank);
int flowc_model_output_shape(const flowc_model *model, size_t index, const int64_t **shape,
                             size_t *rank);
int flowc_model_input_index(const flowc_model *model, const char *name, size_t *index);
int flowc_model_output_index(const flowc_model *model, const char *name, size_t *index);

/* Sessions: arena, input / output buffers and `threads` threads per launch (0: every core),
 * allocated once and reused by every run. Inputs stay set across runs. */
int flowc_session_create(const flowc_model *model, size_t threads, flowc_session **session);
void flowc_session_free(flowc_session *session); /* NULL is ignored */

/* Copies `size` bytes from `data` into input `index` after checking `dtype` and the `rank`
 * dims at `shape` against the signature. */
int flowc_session_set_input(flowc_session *session, size_t index, const void *data, size_t size,
                            int dtype, const int64_t *shape, size_t rank);
int flowc_session_set_input_by_name(flowc_session *session, const char *name, const void *data,
                                    size_t size, int dtype, const int64_t *shape, size_t rank);
int flowc_session_run(flowc_session *session);
/* Output `index` of the last run, owned by the session: valid until the next run or free. */
int flowc_session_get_output(const flowc_session *session, size_t index, const void **data,
                             size_t *size);
/* Copies output `index` into `buffer`; FLOWC_ERROR_BUFFER_TOO_SMALL if `buffer_size` is less
 * than the output's size. */
int flowc_session_copy_output(const flowc_session *session, size_t index, void *buffer,
                              size_t buffer_size);

#ifdef __cplusplus
}
#endif

#endif /* FLOWC_H */
