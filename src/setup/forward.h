/* A node's port on this machine through SSM's port forwarding: the AWS CLI's
 * `aws ssm start-session --document-name AWS-StartPortForwardingSession` (it needs the
 * Session Manager plugin) run as a child in a process group of its own. Shared by
 * `nixl-tui forward` and the console's forward key. */
#ifndef NIXL_SETUP_FORWARD_H
#define NIXL_SETUP_FORWARD_H

#include <stddef.h>
#include <sys/types.h>

/* Where to get the plugin (AWS's "Install the Session Manager plugin for the AWS CLI"). */
#define FORWARD_PLUGIN_DOC \
	"https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"

typedef struct forward_cmd {
	const char *argv[24];
	char params[96];
	char line[1024];    /* the command as a shell line, to copy */
} forward_cmd_t;

/* NULL when the AWS CLI and the plugin are on PATH, else what is missing, in words. */
const char *forward_missing(void);
/* A port nobody listens on now on 127.0.0.1 (the plugin binds it a moment later), or -1. */
int forward_free_port(void);
/* The command for target's port to local; region, profile and endpoint may be NULL. The
 * strings given must outlive c. */
void forward_command(forward_cmd_t *c, const char *target, int port, int local, const char *region,
                     const char *profile, const char *endpoint);
/* Starts c in a process group of its own; quiet: its stdin, stdout and stderr on /dev/null
 * (under the console). The pid, or -1 with the reason in err. */
pid_t forward_spawn(const forward_cmd_t *c, int quiet, char *err, size_t errlen);
/* Stops the child's whole group (SIGTERM). */
void forward_stop(pid_t pid);

#endif
