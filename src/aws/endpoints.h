/* Region and endpoint URLs, resolved as the AWS CLI and SDKs resolve them (flags, the
 * environment, the profile), and a value of the profile. */
#ifndef NIXL_AWS_ENDPOINTS_H
#define NIXL_AWS_ENDPOINTS_H

#include "aws/error.h"

/* Region: flag, AWS_REGION, AWS_DEFAULT_REGION, profile "region". Returns a malloc'd
 * string, or NULL with err set when none is configured. */
char *aws_region_resolve(const char *region_flag, const char *profile_flag, aws_error_t *err);

/* Endpoint URL for a service ("cloudformation", "ec2", "s3", "ssm", "logs", "sts"):
 * flag, AWS_ENDPOINT_URL_<SERVICE> (the SDK's service id, upper case, spaces as _),
 * AWS_ENDPOINT_URL, profile endpoint_url, else https://<service>.<region>.amazonaws.com
 * (the rules for the services nixl-tui calls). malloc'd; NULL when nothing is
 * configured and region is NULL. Trailing '/' stripped. */
char *aws_endpoint_resolve(const char *endpoint_flag, const char *profile_flag,
                           const char *service, const char *region);

/* Region to sign a service's requests with: IAM's global endpoint signs in us-east-1
 * (cn-north-1, us-gov-west-1 in those partitions); every other service in region. */
const char *aws_signing_region(const char *service, const char *region);

/* True when the URL's host is a loopback address (127.0.0.0/8, ::1) or localhost:
 * the only hosts an http:// endpoint may name without opts.allow_http. */
int aws_endpoint_is_loopback(const char *url);

/* A value from the profile's section of ~/.aws/config (AWS_CONFIG_FILE) or
 * credentials file (AWS_SHARED_CREDENTIALS_FILE); malloc'd, NULL when absent. */
char *aws_profile_get(const char *profile_flag, const char *key);

#endif
