/* How long AWS typically takes to create and to delete a resource of a type through
 * CloudFormation, for weighting the progress bar and estimating what is left. Only an
 * estimate: what counts as done is always what AWS reports. */
#ifndef NIXL_CORE_TYPICAL_H
#define NIXL_CORE_TYPICAL_H

/* Seconds for type ("AWS::EC2::Instance"); deleting: the delete time. Never 0. */
double typical_seconds(const char *type, int deleting);

#endif
