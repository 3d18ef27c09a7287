/* Preflight of the resolved AMI (issue 13 item 9): DescribeImages on it. Its
 * architecture must be the instance type's, and the root volume at least its root
 * snapshot: EC2 refuses a smaller one (InvalidBlockDeviceMapping, "Volume of size N GB is
 * smaller than snapshot ..., expect size >= M GB"; "Amazon EBS volumes and snapshots" /
 * "Block device mappings", Amazon EC2 User Guide: a volume from a snapshot is at least
 * the snapshot's size). The root device name goes to the template, whose block device
 * mapping must name it to size the root volume rather than add a second one. */
#include <stdio.h>
#include <string.h>

#include "aws/ec2.h"
#include "catalog/catalog.h"
#include "core/session_priv.h"

static const char *nz(const char *s) { return s ? s : ""; }

static void on_image(void *ud, const aws_error_t *err, ec2_images_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "AMI image");
	if (!s) return;
	struct session_priv *p = SP(s);
	if (!res->n) {
		sess_fail(s, SESS_FAILED, "AMI %s (from %s) is not visible in %s; choose another region.",
		          p->ami_id, p->ami_param, s->region);
		return;
	}
	const ec2_image_t *im = &res->images[0];
	const char *type = config_instance_type(&p->cfg);
	const char *want = strstr(p->ami_param, "/arm64/") ? "arm64" : "x86_64";
	if (strcmp(nz(im->architecture), want) != 0) {
		sess_fail(s, SESS_FAILED, "AMI %s is built for %s, and %s needs %s; check the AMI parameter "
		          "%s.", p->ami_id, nz(im->architecture), type, want, p->ami_param);
		return;
	}
	long size = config_int(&p->cfg, CONFIG_VOLUME_SIZE);
	if (im->root_volume_gib > 0 && size < im->root_volume_gib) {
		sess_fail(s, SESS_FAILED, "volumeSize %ld GiB is below the %d GiB root snapshot of AMI %s; "
		          "pass -c volumeSize=%d or more.", size, im->root_volume_gib, p->ami_id,
		          im->root_volume_gib);
		return;
	}
	snprintf(p->root_device, sizeof p->root_device, "%s", nz(im->root_device_name));
	sess_deploy_pass(s, STEP_OK, "%s: %s, root %s from a %d GiB snapshot, volumeSize %ld GiB", p->ami_id,
	                 nz(im->architecture), im->root_device_name ? im->root_device_name : "(not said)",
	                 im->root_volume_gib, size);
}

void preflight_image(session_t *s)
{
	struct session_priv *p = SP(s);
	const char *ids[1] = { p->ami_id };
	ec2_describe_req_t dr = { .ids = ids, .nids = 1 };
	sess_step_begin(s, "AMI image", "%s", p->ami_id);
	sess_track(s, CH_OP, ec2_describe_images(p->aws, &dr, on_image, s));
}
