#include "catalog/catalog.h"

#include <string.h>

/* Hardware facts, from AWS documentation:
 *  - Amazon EC2 Instance Types, "Accelerated computing" specifications
 *    https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html (vCPUs, memory,
 *    accelerators and their memory, network bandwidth);
 *  - EC2 User Guide, Elastic Fabric Adapter, "Supported instance types"
 *    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html#efa-instance-types;
 *  - EC2 User Guide, "Network cards"
 *    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html#network-cards
 *    (network cards and maximum EFA interfaces per type);
 * cross-checked against the DescribeInstanceTypes snapshot moto 5.2.1 ships
 * (moto/ec2/resources/instance_types.json.gz: NetworkInfo.EfaInfo.MaximumEfaInterfaces,
 * MaximumNetworkCards, GpuInfo, NeuronInfo, InferenceAcceleratorInfo).
 * Accelerator memory is the marketed size (the API reports e.g. 22888 MiB for 24 GB A10G).
 * Where the sources disagree or are unclear:
 *  - inf2.48xlarge: listed among EFA-capable types in the current EFA guide (one EFA,
 *    100 Gbps) while the moto snapshot says EfaSupported=false; we trust the guide.
 *    Check with `aws ec2 describe-instance-types --instance-types inf2.48xlarge`.
 *  - inf2.24xlarge: no EFA in either source; it stays in the catalog because users
 *    deploy it, and choosing it is a warning that must be acknowledged.
 *  - g7e (RTX PRO 6000 Blackwell Server Edition, 96 GB): figures from the moto snapshot
 *    and the G7e launch page; newest family here, re-check if AWS revises it.
 * Root volume sizes are the users' current recommendations (model weights + caches). */
static const catalog_instance_t catalog[] = {
	/* name           series accelerator           kind                 n  mem vcpu host  efa cards gbps root use */
	{ "g5.12xlarge",   "G5",   "NVIDIA A10G",        CATALOG_ACCEL_NVIDIA, 4, 24,  48,  192, 1, 1,  40, 200,
	  "entry-level disaggregated inference, small models" },
	{ "g5.24xlarge",   "G5",   "NVIDIA A10G",        CATALOG_ACCEL_NVIDIA, 4, 24,  96,  384, 1, 1,  50, 300,
	  "small models, more host memory and CPU" },
	{ "g5.48xlarge",   "G5",   "NVIDIA A10G",        CATALOG_ACCEL_NVIDIA, 8, 24, 192,  768, 1, 1, 100, 500,
	  "8-GPU tensor parallel on A10G" },
	{ "g6.12xlarge",   "G6",   "NVIDIA L4",          CATALOG_ACCEL_NVIDIA, 4, 24,  48,  192, 1, 1,  40, 200,
	  "cost-efficient inference, small models" },
	{ "g6.24xlarge",   "G6",   "NVIDIA L4",          CATALOG_ACCEL_NVIDIA, 4, 24,  96,  384, 1, 1,  50, 300,
	  "cost-efficient inference, more host memory" },
	{ "g6.48xlarge",   "G6",   "NVIDIA L4",          CATALOG_ACCEL_NVIDIA, 8, 24, 192,  768, 1, 1, 100, 500,
	  "8-GPU tensor parallel on L4" },
	{ "g6e.12xlarge",  "G6e",  "NVIDIA L40S",        CATALOG_ACCEL_NVIDIA, 4, 48,  48,  384, 1, 1, 100, 200,
	  "mid-size models (up to ~70B quantised)" },
	{ "g6e.24xlarge",  "G6e",  "NVIDIA L40S",        CATALOG_ACCEL_NVIDIA, 4, 48,  96,  768, 2, 2, 200, 300,
	  "mid-size models, two EFA interfaces" },
	{ "g6e.48xlarge",  "G6e",  "NVIDIA L40S",        CATALOG_ACCEL_NVIDIA, 8, 48, 192, 1536, 4, 4, 400, 500,
	  "large models on 8x L40S, four EFA interfaces" },
	{ "g7e.8xlarge",   "G7e",  "NVIDIA RTX PRO 6000 Blackwell", CATALOG_ACCEL_NVIDIA, 1, 96, 32, 256, 1, 1, 100, 300,
	  "single-GPU Blackwell, functional tests" },
	{ "g7e.12xlarge",  "G7e",  "NVIDIA RTX PRO 6000 Blackwell", CATALOG_ACCEL_NVIDIA, 2, 96, 48, 512, 1, 1, 400, 300,
	  "two-GPU Blackwell inference" },
	{ "g7e.24xlarge",  "G7e",  "NVIDIA RTX PRO 6000 Blackwell", CATALOG_ACCEL_NVIDIA, 4, 96, 96, 1024, 2, 2, 800, 500,
	  "four-GPU Blackwell inference" },
	{ "g7e.48xlarge",  "G7e",  "NVIDIA RTX PRO 6000 Blackwell", CATALOG_ACCEL_NVIDIA, 8, 96, 192, 2048, 4, 4, 1600, 1000,
	  "large models on 8x Blackwell" },
	{ "p4d.24xlarge",  "P4d",  "NVIDIA A100 40GB",   CATALOG_ACCEL_NVIDIA, 8, 40,  96, 1152, 4, 4, 400, 500,
	  "large models, NVLink A100" },
	{ "p4de.24xlarge", "P4de", "NVIDIA A100 80GB",   CATALOG_ACCEL_NVIDIA, 8, 80,  96, 1152, 4, 4, 400, 500,
	  "large models, NVLink A100 80GB" },
	{ "p5.48xlarge",   "P5",   "NVIDIA H100",        CATALOG_ACCEL_NVIDIA, 8, 80, 192, 2048, 32, 32, 3200, 1000,
	  "frontier-size models, 3200 Gbps EFA" },
	/* P5e/P5en/P6-B200: "Accelerated computing" specifications and the EFA guide's
	 * supported types (above); p5en has 16 network cards that take 4 interfaces each,
	 * p6-b200 8 cards of 4 (moto's snapshot agrees): one EFA interface per card. */
	{ "p5e.48xlarge",  "P5e",  "NVIDIA H200",        CATALOG_ACCEL_NVIDIA, 8, 141, 192, 2048, 32, 32, 3200, 1000,
	  "frontier-size models, H200, 3200 Gbps EFA" },
	{ "p5en.48xlarge", "P5en", "NVIDIA H200",        CATALOG_ACCEL_NVIDIA, 8, 141, 192, 2048, 16, 16, 3200, 1000,
	  "frontier-size models, H200, 16 EFAv3 interfaces" },
	{ "p6-b200.48xlarge", "P6", "NVIDIA B200",       CATALOG_ACCEL_NVIDIA, 8, 180, 192, 2048, 8, 8, 3200, 1000,
	  "frontier-size models, Blackwell B200, 8 EFAv4 interfaces" },
	{ "trn1.32xlarge", "Trn1", "AWS Trainium",       CATALOG_ACCEL_TRAINIUM, 16, 32, 128, 512, 8, 8, 800, 500,
	  "Neuron training and inference" },
	{ "trn1n.32xlarge","Trn1n","AWS Trainium",       CATALOG_ACCEL_TRAINIUM, 16, 32, 128, 512, 16, 16, 1600, 500,
	  "Neuron, network-bound workloads" },
	{ "inf2.24xlarge", "Inf2", "AWS Inferentia2",    CATALOG_ACCEL_INFERENTIA, 6, 32, 96, 384, 0, 1, 50, 300,
	  "Neuron inference (no EFA: TCP only)" },
	{ "inf2.48xlarge", "Inf2", "AWS Inferentia2",    CATALOG_ACCEL_INFERENTIA, 12, 32, 192, 768, 1, 1, 100, 500,
	  "Neuron inference, largest Inf2" },
};

const catalog_instance_t *catalog_list(size_t *n)
{
	*n = sizeof catalog / sizeof catalog[0];
	return catalog;
}

const catalog_instance_t *catalog_lookup(const char *name)
{
	if (!name) return NULL;
	for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++)
		if (strcmp(catalog[i].name, name) == 0) return &catalog[i];
	return NULL;
}

int catalog_recommended_volume_gb(const char *name)
{
	const catalog_instance_t *it = catalog_lookup(name);
	return it ? it->root_volume_gb : CATALOG_FALLBACK_VOLUME_GB;
}

void catalog_efa_slot(int i, int *card, int *device)
{
	*card = i;
	*device = i == 0 ? 0 : 1;
}

static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Reads a decimal number of at most 3 digits without a leading zero; returns the
 * number of characters consumed (0 if none). */
static int read_num(const char *s, int *out)
{
	int n = 0, v = 0;
	if (s[0] == '0') return 0;
	while (is_digit(s[n]) && n < 3) v = v * 10 + (s[n++] - '0');
	if (is_digit(s[n])) return 0;
	*out = v;
	return n;
}

static int valid_family(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && is_lower(s[i])) i++;
	if (i == 0) return 0;
	if (i < len && s[i] == '-') i++;
	size_t digits = i;
	while (i < len && is_digit(s[i])) i++;
	if (i == digits) return 0;
	for (; i < len; i++)
		if (!is_lower(s[i]) && !is_digit(s[i]) && s[i] != '-') return 0;
	return s[len - 1] != '-';
}

static int valid_size(const char *s)
{
	static const char *const words[] = { "nano", "micro", "small", "medium", "large",
	                                     "xlarge", "metal" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(s, words[i]) == 0) return 1;
	int n = 0, used;
	if (strncmp(s, "metal-", 6) == 0) {
		used = read_num(s + 6, &n);
		return used > 0 && n >= 2 && strcmp(s + 6 + used, "xl") == 0;
	}
	used = read_num(s, &n);
	return used > 0 && n >= 2 && n <= 480 && strcmp(s + used, "xlarge") == 0;
}

int catalog_is_valid_type_name(const char *name)
{
	if (!name) return 0;
	const char *dot = strchr(name, '.');
	if (!dot || dot == name || strchr(dot + 1, '.')) return 0;
	return valid_family(name, (size_t)(dot - name)) && valid_size(dot + 1);
}

const char *catalog_ami_parameter(const char *name)
{
	/* The public parameters the DLAMI teams publish; the sandbox publishes the same names. */
	static const char gpu[] =
		"/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id";
	static const char neuron[] =
		"/aws/service/neuron/dlami/multi-framework/ubuntu-22.04/latest/image_id";
	const catalog_instance_t *it = catalog_lookup(name);
	if (it) return it->kind == CATALOG_ACCEL_NVIDIA ? gpu : neuron;
	if (name && (strncmp(name, "trn", 3) == 0 || strncmp(name, "inf", 3) == 0)) return neuron;
	return gpu;
}
