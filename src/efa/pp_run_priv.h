/* What the ping-pong's files share (pp_script.c writes the node scripts, pingpong_run.c runs
 * them): the lines the scripts print for the run to read, and how servers pick ports. */
#ifndef NIXL_EFA_PP_RUN_PRIV_H
#define NIXL_EFA_PP_RUN_PRIV_H

#define RETRY_MARK "===NIXL-RETRY==="
/* The server announces the port it will listen on; the client is started on this line. */
#define PORT_MARK "===NIXL-PP-PORT "
/* Ports a server picks for itself: below Linux's default ephemeral range (32768-60999), so
 * no outgoing connection of the node's can hold one, and a port in use is skipped. */
#define PORT_PICK_LOW 20000
#define PORT_PICK_SPAN 12000
/* Servers of one matrix that start at the same moment on one host (local runs, sandbox nodes)
 * could pick the same port before either listens: each slot of the matrix picks in a lane of
 * its own, a 1/PORT_LANES share of the range. */
#define PORT_LANES 32

/* "msg" or "rdm" from an endpoint as the options take it. */
const char *pp_endpoint_type(const char *endpoint);

#endif
