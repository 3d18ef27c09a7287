#include "ui/ops.h"

const ui_ops_t ops_session = {
	.observe = session_observe,
	.set_config = session_set_config,
	.config = session_config,
	.attach = session_attach,
	.deploy = session_deploy,
	.acknowledge = session_acknowledge,
	.teardown = session_teardown,
	.node_check = session_node_check,
	.pingpong = session_pingpong,
	.detach = session_detach,
	.lookup_reservations = session_lookup_reservations,
	.lookup_offerings = session_lookup_offerings,
	.purchase_offering = session_purchase_offering,
	.lookup_network = session_lookup_network,
	.lookup_image = session_lookup_image,
	.lookup_saved_reservation = session_lookup_saved_reservation,
	.ssm_command = session_ssm_command,
	.headless_command = session_headless_command,
	.pingpong_matrix = session_pingpong_matrix,
	.setup = session_setup,
};
