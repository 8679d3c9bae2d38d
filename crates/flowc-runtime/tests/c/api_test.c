/* The C API's error paths and concurrency, on the add bundle of tests/common (x: f32[2, 3],
 * y = x + {10, 20, 30, 40, 50, 60}). Usage: api_test add.fcb. Exits 0 when every check holds. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowc.h"

static int failures = 0, checks = 0;

#define EXPECT(cond)                                                         \
  do {                                                                       \
    checks++;                                                                \
    if (!(cond)) {                                                           \
      failures++;                                                            \
      fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, \
              __LINE__, #cond, flowc_last_error());                          \
    }                                                                        \
  } while (0)

#define EXPECT_STATUS(call, want)                                                           \
  do {                                                                                      \
    int got_ = (call);                                                                      \
    checks++;                                                                               \
    if (got_ != (want)) {                                                                   \
      failures++;                                                                           \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s (last error: %s)\n", __FILE__,    \
              __LINE__, #call, flowc_status_name(got_), flowc_status_name(want),            \
              flowc_last_error());                                                          \
    }                                                                                       \
  } while (0)

static const float W[6] = {10, 20, 30, 40, 50, 60};
static const int64_t SHAPE[2] = {2, 3};

static void *worker(void *arg) {
  const flowc_model *model = arg;
  flowc_session *s = NULL;
  int bad = 0;
  if (flowc_session_create(model, 2, &s) != FLOWC_OK) return (void *)1;
  for (int run = 0; run < 200; run++) {
    float x[6], y[6];
    for (int i = 0; i < 6; i++) x[i] = (float)(run * 6 + i);
    if (flowc_session_set_input(s, 0, x, sizeof x, FLOWC_DTYPE_F32, SHAPE, 2) != FLOWC_OK ||
        flowc_session_run(s) != FLOWC_OK ||
        flowc_session_copy_output(s, 0, y, sizeof y) != FLOWC_OK) {
      bad = 1;
      break;
    }
    for (int i = 0; i < 6; i++) bad |= y[i] != x[i] + W[i];
  }
  flowc_session_free(s);
  return (void *)(intptr_t)bad;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s add.fcb\n", argv[0]);
    return 2;
  }
  flowc_model *model = (flowc_model *)&checks; /* must be reset to NULL on failure */
  EXPECT(strlen(flowc_version()) > 0);
  EXPECT(strcmp(flowc_status_name(FLOWC_ERROR_SHAPE), "FLOWC_ERROR_SHAPE") == 0);
  EXPECT(flowc_dtype_size(FLOWC_DTYPE_F64) == 8 && flowc_dtype_size(FLOWC_DTYPE_BOOL) == 1);
  EXPECT(flowc_dtype_size(0) == 0 && flowc_dtype_size(99) == 0);
  EXPECT(strcmp(flowc_dtype_name(FLOWC_DTYPE_BF16), "bf16") == 0 && flowc_dtype_name(99) == NULL);

  /* Loading errors. */
  EXPECT_STATUS(flowc_model_load("/nonexistent/model.fcb", &model), FLOWC_ERROR_IO);
  EXPECT(model == NULL);
  EXPECT(strstr(flowc_last_error(), "/nonexistent/model.fcb") != NULL);
  EXPECT_STATUS(flowc_model_load_from_memory("garbage", 7, &model), FLOWC_ERROR_BAD_BUNDLE);
  EXPECT(strstr(flowc_last_error(), "not a flowc bundle") != NULL);
  EXPECT_STATUS(flowc_model_load(NULL, &model), FLOWC_ERROR_INVALID_ARGUMENT);
  EXPECT_STATUS(flowc_model_load(argv[1], NULL), FLOWC_ERROR_INVALID_ARGUMENT);
  EXPECT_STATUS(flowc_model_load_from_memory(NULL, 10, &model), FLOWC_ERROR_INVALID_ARGUMENT);
  EXPECT(flowc_model_num_inputs(NULL) == 0);
  flowc_model_free(NULL);
  flowc_session_free(NULL);

  /* Load from memory, then from the file. */
  FILE *f = fopen(argv[1], "rb");
  EXPECT(f != NULL);
  if (!f) return 1;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *bytes = malloc((size_t)n);
  EXPECT(fread(bytes, 1, (size_t)n, f) == (size_t)n);
  fclose(f);
  EXPECT_STATUS(flowc_model_load_from_memory(bytes, (size_t)n, &model), FLOWC_OK);
  free(bytes);
  flowc_model_free(model);
  EXPECT_STATUS(flowc_model_load(argv[1], &model), FLOWC_OK);
  if (!model) return 1;

  /* Signature queries. */
  const char *name = NULL;
  int dtype = 0;
  const int64_t *shape = NULL;
  size_t rank = 0, index = 99;
  EXPECT(flowc_model_num_inputs(model) == 1 && flowc_model_num_outputs(model) == 1);
  EXPECT_STATUS(flowc_model_input_name(model, 0, &name), FLOWC_OK);
  EXPECT(name && strcmp(name, "x") == 0);
  EXPECT_STATUS(flowc_model_output_name(model, 0, &name), FLOWC_OK);
  EXPECT(name && strcmp(name, "y") == 0);
  EXPECT_STATUS(flowc_model_input_dtype(model, 0, &dtype), FLOWC_OK);
  EXPECT(dtype == FLOWC_DTYPE_F32);
  EXPECT_STATUS(flowc_model_output_shape(model, 0, &shape, &rank), FLOWC_OK);
  EXPECT(rank == 2 && shape[0] == 2 && shape[1] == 3);
  EXPECT_STATUS(flowc_model_input_index(model, "x", &index), FLOWC_OK);
  EXPECT(index == 0);
  EXPECT_STATUS(flowc_model_output_index(model, "y", &index), FLOWC_OK);
  EXPECT_STATUS(flowc_model_input_index(model, "nope", &index), FLOWC_ERROR_NOT_FOUND);
  EXPECT(strstr(flowc_last_error(), "nope") != NULL);
  EXPECT_STATUS(flowc_model_input_name(model, 1, &name), FLOWC_ERROR_NOT_FOUND);
  EXPECT_STATUS(flowc_model_output_dtype(model, 7, &dtype), FLOWC_ERROR_NOT_FOUND);
  EXPECT_STATUS(flowc_model_input_shape(model, 0, NULL, &rank), FLOWC_ERROR_INVALID_ARGUMENT);
  EXPECT_STATUS(flowc_model_input_name(NULL, 0, &name), FLOWC_ERROR_INVALID_ARGUMENT);

  /* A session: errors first. */
  flowc_session *s = NULL;
  EXPECT_STATUS(flowc_session_create(NULL, 1, &s), FLOWC_ERROR_INVALID_ARGUMENT);
  EXPECT(s == NULL);
  EXPECT_STATUS(flowc_session_create(model, 0, &s), FLOWC_OK);
  if (!s) return 1;
  const void *out = NULL;
  size_t out_size = 0;
  EXPECT_STATUS(flowc_session_get_output(s, 0, &out, &out_size), FLOWC_ERROR_NOT_RUN);
  EXPECT_STATUS(flowc_session_run(s), FLOWC_ERROR_MISSING_INPUT);
  EXPECT(strstr(flowc_last_error(), "\"x\"") != NULL);

  float x[6] = {1, 2, 3, 4, 5, 6};
  double xd[6] = {0};
  int64_t wrong_shape[2] = {3, 2}, negative[2] = {-2, -3};
  EXPECT_STATUS(flowc_session_set_input(s, 0, xd, sizeof xd, FLOWC_DTYPE_F64, SHAPE, 2),
                FLOWC_ERROR_DTYPE);
  EXPECT(strcmp(flowc_last_error(), "input \"x\" has dtype f32, got f64") == 0);
  EXPECT_STATUS(flowc_session_set_input(s, 0, x, sizeof x, FLOWC_DTYPE_F32, wrong_shape, 2),
                FLOWC_ERROR_SHAPE);
  EXPECT_STATUS(flowc_session_set_input(s, 0, x, sizeof x, FLOWC_DTYPE_F32, SHAPE, 1),
                FLOWC_ERROR_SHAPE);
  EXPECT_STATUS(flowc_session_set_input(s, 0, x, sizeof x - 4, FLOWC_DTYPE_F32, SHAPE, 2),
                FLOWC_ERROR_SHAPE);
  EXPECT_STATUS(flowc_session_set_input(s, 0, x, sizeof x, 99, SHAPE, 2),
                FLOWC_ERROR_INVALID_ARGUMENT);
  EXPECT_STATUS(flowc_session_set_input(s, 0, x, sizeof x, FLOWC_DTYPE_F32, negative, 2),
                FLOWC_ERROR_INVALID_ARGUMENT);
  EXPECT_STATUS(flowc_session_set_input(s, 0, NULL, sizeof x, FLOWC_DTYPE_F32, SHAPE, 2),
                FLOWC_ERROR_INVALID_ARGUMENT);
  EXPECT_STATUS(flowc_session_set_input(s, 0, x, sizeof x, FLOWC_DTYPE_F32, NULL, 2),
                FLOWC_ERROR_INVALID_ARGUMENT);
  EXPECT_STATUS(flowc_session_set_input(s, 3, x, sizeof x, FLOWC_DTYPE_F32, SHAPE, 2),
                FLOWC_ERROR_NOT_FOUND);
  EXPECT_STATUS(flowc_session_set_input_by_name(s, "nope", x, sizeof x, FLOWC_DTYPE_F32, SHAPE, 2),
                FLOWC_ERROR_NOT_FOUND);
  EXPECT_STATUS(flowc_session_run(s), FLOWC_ERROR_MISSING_INPUT);

  /* Then a real run. */
  EXPECT_STATUS(flowc_session_set_input_by_name(s, "x", x, sizeof x, FLOWC_DTYPE_F32, SHAPE, 2),
                FLOWC_OK);
  EXPECT_STATUS(flowc_session_run(s), FLOWC_OK);
  EXPECT_STATUS(flowc_session_get_output(s, 0, &out, &out_size), FLOWC_OK);
  EXPECT(out_size == sizeof x && ((uintptr_t)out % 64) == 0);
  for (int i = 0; i < 6; i++) EXPECT(((const float *)out)[i] == x[i] + W[i]);
  float y[6] = {0}, small[5];
  EXPECT_STATUS(flowc_session_copy_output(s, 0, small, sizeof small), FLOWC_ERROR_BUFFER_TOO_SMALL);
  EXPECT(strcmp(flowc_last_error(), "the buffer holds 20 bytes, the output needs 24") == 0);
  EXPECT_STATUS(flowc_session_copy_output(s, 1, y, sizeof y), FLOWC_ERROR_NOT_FOUND);
  EXPECT_STATUS(flowc_session_copy_output(s, 0, y, sizeof y), FLOWC_OK);
  EXPECT(memcmp(y, out, sizeof y) == 0);

  /* Several sessions on one model, on several threads at once. */
  pthread_t threads[4];
  for (int t = 0; t < 4; t++) EXPECT(pthread_create(&threads[t], NULL, worker, model) == 0);
  for (int t = 0; t < 4; t++) {
    void *bad = NULL;
    pthread_join(threads[t], &bad);
    EXPECT(bad == NULL);
  }

  /* The session keeps the model alive after flowc_model_free. */
  flowc_model_free(model);
  x[0] = 100;
  EXPECT_STATUS(flowc_session_set_input(s, 0, x, sizeof x, FLOWC_DTYPE_F32, SHAPE, 2), FLOWC_OK);
  EXPECT_STATUS(flowc_session_run(s), FLOWC_OK);
  EXPECT_STATUS(flowc_session_copy_output(s, 0, y, sizeof y), FLOWC_OK);
  EXPECT(y[0] == 110 && y[5] == 66);
  flowc_session_free(s);

  printf("%d checks, %d failed\n", checks, failures);
  return failures != 0;
}
