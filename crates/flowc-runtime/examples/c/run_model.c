/*
 * run_model: load a flowc bundle, fill its inputs, run it and print its outputs.
 *
 *   cc run_model.c -I crates/flowc-runtime/include -L target/release -lflowc_runtime \
 *      -Wl,-rpath,target/release -o run_model
 *   ./run_model model.fcb [value ...]
 *
 * Element i of every input is value[i % count] (converted to the input's dtype), or i when no
 * values are given. Outputs are printed as "name dtype [d0, d1, ...]: v0 v1 ...".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowc.h"

static float f16_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else { /* subnormal: normalize */
    exp = 113;
    while (!(man & 0x400)) {
      man <<= 1;
      exp--;
    }
    bits = sign | (exp << 23) | ((man & 0x3ff) << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static uint16_t float_to_f16(float f) { /* round to nearest even; enough for an example */
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000;
  int32_t exp = (int32_t)((x >> 23) & 0xff) - 127 + 15;
  uint32_t man = x & 0x7fffff;
  if (((x >> 23) & 0xff) == 0xff) return (uint16_t)(sign | 0x7c00 | (man ? 0x200 : 0));
  if (exp >= 0x1f) return (uint16_t)(sign | 0x7c00);
  if (exp <= 0) {
    if (exp < -10) return (uint16_t)sign;
    man |= 0x800000;
    uint32_t shift = (uint32_t)(14 - exp);
    uint32_t half = man >> shift, rem = man & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) half++;
    return (uint16_t)(sign | half);
  }
  uint32_t h = sign | ((uint32_t)exp << 10) | (man >> 13), rem = man & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) h++;
  return (uint16_t)h;
}

/* Stores v as element i of a buffer of `dtype`. */
static void store(void *buf, int dtype, size_t i, double v) {
  switch (dtype) {
    case FLOWC_DTYPE_F16: ((uint16_t *)buf)[i] = float_to_f16((float)v); break;
    case FLOWC_DTYPE_BF16: {
      float f = (float)v;
      uint32_t bits;
      memcpy(&bits, &f, 4);
      ((uint16_t *)buf)[i] = (uint16_t)((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
      break;
    }
    case FLOWC_DTYPE_F32: ((float *)buf)[i] = (float)v; break;
    case FLOWC_DTYPE_F64: ((double *)buf)[i] = v; break;
    case FLOWC_DTYPE_I8: ((int8_t *)buf)[i] = (int8_t)v; break;
    case FLOWC_DTYPE_I16: ((int16_t *)buf)[i] = (int16_t)v; break;
    case FLOWC_DTYPE_I32: ((int32_t *)buf)[i] = (int32_t)v; break;
    case FLOWC_DTYPE_I64: ((int64_t *)buf)[i] = (int64_t)v; break;
    case FLOWC_DTYPE_U8: ((uint8_t *)buf)[i] = (uint8_t)v; break;
    case FLOWC_DTYPE_U16: ((uint16_t *)buf)[i] = (uint16_t)v; break;
    case FLOWC_DTYPE_U32: ((uint32_t *)buf)[i] = (uint32_t)v; break;
    case FLOWC_DTYPE_U64: ((uint64_t *)buf)[i] = (uint64_t)v; break;
    case FLOWC_DTYPE_BOOL: ((uint8_t *)buf)[i] = v != 0; break;
  }
}

static void print_element(const void *buf, int dtype, size_t i) {
  switch (dtype) {
    case FLOWC_DTYPE_F16: printf("%g", f16_to_float(((const uint16_t *)buf)[i])); break;
    case FLOWC_DTYPE_BF16: {
      uint32_t bits = (uint32_t)((const uint16_t *)buf)[i] << 16;
      float f;
      memcpy(&f, &bits, 4);
      printf("%g", f);
      break;
    }
    case FLOWC_DTYPE_F32: printf("%g", ((const float *)buf)[i]); break;
    case FLOWC_DTYPE_F64: printf("%g", ((const double *)buf)[i]); break;
    case FLOWC_DTYPE_I8: printf("%d", ((const int8_t *)buf)[i]); break;
    case FLOWC_DTYPE_I16: printf("%d", ((const int16_t *)buf)[i]); break;
    case FLOWC_DTYPE_I32: printf("%d", ((const int32_t *)buf)[i]); break;
    case FLOWC_DTYPE_I64: printf("%lld", (long long)((const int64_t *)buf)[i]); break;
    case FLOWC_DTYPE_U8: printf("%u", ((const uint8_t *)buf)[i]); break;
    case FLOWC_DTYPE_U16: printf("%u", ((const uint16_t *)buf)[i]); break;
    case FLOWC_DTYPE_U32: printf("%u", ((const uint32_t *)buf)[i]); break;
    case FLOWC_DTYPE_U64: printf("%llu", (unsigned long long)((const uint64_t *)buf)[i]); break;
    case FLOWC_DTYPE_BOOL: printf("%s", ((const uint8_t *)buf)[i] ? "true" : "false"); break;
  }
}

static void print_shape(const int64_t *shape, size_t rank) {
  printf("[");
  for (size_t d = 0; d < rank; d++) printf(d ? ", %lld" : "%lld", (long long)shape[d]);
  printf("]");
}

#define CHECK(call)                                                                    \
  do {                                                                                 \
    int status_ = (call);                                                              \
    if (status_ != FLOWC_OK) {                                                         \
      fprintf(stderr, "%s: %s: %s\n", #call, flowc_status_name(status_), flowc_last_error()); \
      goto fail;                                                                       \
    }                                                                                  \
  } while (0)

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s model.fcb [value ...]\n", argv[0]);
    return 2;
  }
  flowc_model *model = NULL;
  flowc_session *session = NULL;
  void *data = NULL;
  int rc = 1;

  CHECK(flowc_model_load(argv[1], &model));
  CHECK(flowc_session_create(model, 0, &session));

  for (size_t i = 0; i < flowc_model_num_inputs(model); i++) {
    const char *name;
    int dtype;
    const int64_t *shape;
    size_t rank;
    CHECK(flowc_model_input_name(model, i, &name));
    CHECK(flowc_model_input_dtype(model, i, &dtype));
    CHECK(flowc_model_input_shape(model, i, &shape, &rank));
    size_t count = 1;
    for (size_t d = 0; d < rank; d++) count *= (size_t)shape[d];
    size_t size = count * flowc_dtype_size(dtype);
    data = malloc(size ? size : 1);
    if (!data) goto fail;
    for (size_t e = 0; e < count; e++)
      store(data, dtype, e, argc > 2 ? atof(argv[2 + e % (size_t)(argc - 2)]) : (double)e);
    printf("input %s %s ", name, flowc_dtype_name(dtype));
    print_shape(shape, rank);
    printf("\n");
    CHECK(flowc_session_set_input(session, i, data, size, dtype, shape, rank));
    free(data);
    data = NULL;
  }

  CHECK(flowc_session_run(session));

  for (size_t i = 0; i < flowc_model_num_outputs(model); i++) {
    const char *name;
    int dtype;
    const int64_t *shape;
    size_t rank, size;
    const void *out;
    CHECK(flowc_model_output_name(model, i, &name));
    CHECK(flowc_model_output_dtype(model, i, &dtype));
    CHECK(flowc_model_output_shape(model, i, &shape, &rank));
    CHECK(flowc_session_get_output(session, i, &out, &size));
    printf("output %s %s ", name, flowc_dtype_name(dtype));
    print_shape(shape, rank);
    printf(":");
    for (size_t e = 0; e < size / flowc_dtype_size(dtype); e++) {
      printf(" ");
      print_element(out, dtype, e);
    }
    printf("\n");
  }
  rc = 0;

fail:
  free(data);
  flowc_session_free(session);
  flowc_model_free(model);
  return rc;
}
