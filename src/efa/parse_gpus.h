/* Accelerators: `nvidia-smi -L` ("GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-...)") and
 * `neuron-ls` (its box table, every column layout), with their failure messages. */
#ifndef NIXL_EFA_PARSE_GPUS_H
#define NIXL_EFA_PARSE_GPUS_H

#include <stddef.h>

typedef enum gpu_kind { GPU_NONE = 0, GPU_NVIDIA, GPU_NEURON } gpu_kind_t;

#define GPUS_LIST_MAX 64

typedef struct gpus_out {
	gpu_kind_t kind;
	int count;               /* GPUs, or Neuron devices */
	int neuron_cores;        /* sum of the NEURON CORES column */
	char model[96];          /* "NVIDIA H100 80GB HBM3"; "" for Neuron */
	int mixed;               /* nvidia-smi listed more than one model */
	char instance_type[32];  /* neuron-ls prints it */
	int driver_error;        /* nvidia-smi could not talk to the driver */
	int no_devices;          /* "No devices were found" */
	char names[GPUS_LIST_MAX][64]; /* one per device: its model (nvidia-smi), "neuron0".. (neuron-ls) */
} gpus_out_t;

/* Returns 1 when the text was nvidia-smi -L or neuron-ls output (including their errors). */
int parse_gpus(const char *text, size_t len, gpus_out_t *out);

#endif
