/* The cluster's size, which every layer is sized by: a pair of nodes at the least and 16
 * at the most (the template's node resources, the session's panes, the targets of one
 * node job). CONFIG_*_NODES, EXEC_MAX_NODES and SESS_MAX_NODES are these. */
#ifndef NIXL_BASE_LIMITS_H
#define NIXL_BASE_LIMITS_H

#define NIXL_MIN_NODES 2
#define NIXL_MAX_NODES 16

/* A number as a string literal, for messages: "2.." NIXL_STR(NIXL_MAX_NODES). */
#define NIXL_STR_(x) #x
#define NIXL_STR(x) NIXL_STR_(x)

#endif
