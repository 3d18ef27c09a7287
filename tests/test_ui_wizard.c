/* The deploy wizard: the catalog as a table with a filter, the volume with the
 * under-recommendation warning as it is typed and the gp3 bounds, capacity (saved
 * reservation, live list, Capacity Block search and purchase with the fee typed back),
 * network, the review with sources and the headless command, and deploy. */
#include "ui_harness.h"

#include "ui/view_wizard.h"
#include "ui/view_nodes.h"

/* 2026-03-02 10:00:00 UTC */
#define T0 ((time_t)1772445600)

static void reservation(struct sess_reservation *r, const char *id, const char *type, const char *az,
                        const char *state, const char *kind, int total, int available)
{
	snprintf(r->id, sizeof r->id, "%s", id);
	snprintf(r->instance_type, sizeof r->instance_type, "%s", type);
	snprintf(r->az, sizeof r->az, "%s", az);
	snprintf(r->state, sizeof r->state, "%s", state);
	snprintf(r->type, sizeof r->type, "%s", kind);
	snprintf(r->platform, sizeof r->platform, "Linux/UNIX");
	snprintf(r->tenancy, sizeof r->tenancy, "default");
	r->total = total, r->available = available;
}

/* For 2 x p5.48xlarge: an ODCR (saved), an expired block with 0 of 1 left and a scheduled
 * one (both shown, not selectable: issue 13 item 4), an active block, a g5 reservation. */
static void lookups_reservations(session_t *s)
{
	snprintf(s->lookup.saved_reservation, sizeof s->lookup.saved_reservation, "cr-0a11b22c33d44e55f");
	s->lookup.reservations = calloc(5, sizeof *s->lookup.reservations);
	assert_non_null(s->lookup.reservations);
	struct sess_reservation *r = s->lookup.reservations;
	reservation(&r[0], "cr-0a11b22c33d44e55f", "p5.48xlarge", "us-east-1a", "active", "default", 2, 2);
	reservation(&r[1], "cr-0e0e0e0e0e0e0e0e0", "p5.48xlarge", "us-east-1a", "expired", "capacity-block", 1, 0);
	r[1].start = T0 - 2 * 86400, r[1].end = T0 - 86400;
	reservation(&r[2], "cr-05c5c5c5c5c5c5c5c", "p5.48xlarge", "us-east-1b", "scheduled", "capacity-block", 2, 2);
	r[2].start = T0 + 86400, r[2].end = T0 + 2 * 86400;
	reservation(&r[3], "cr-0feedc0ffee123456", "p5.48xlarge", "us-east-1b", "active", "capacity-block", 2, 2);
	r[3].start = T0 - 3600, r[3].end = T0 + 86400;
	reservation(&r[4], "cr-0999999999999999a", "g5.12xlarge", "us-east-1c", "active", "default", 4, 1);
	s->lookup.nreservations = 5;
}

static void lookups_offerings(session_t *s)
{
	s->lookup.offerings = calloc(2, sizeof *s->lookup.offerings);
	assert_non_null(s->lookup.offerings);
	struct sess_offering *o = s->lookup.offerings;
	snprintf(o[0].id, sizeof o[0].id, "cb-0123456789abcdef0");
	snprintf(o[0].instance_type, sizeof o[0].instance_type, "p5.48xlarge");
	snprintf(o[0].az, sizeof o[0].az, "us-east-1a");
	snprintf(o[0].currency, sizeof o[0].currency, "USD");
	snprintf(o[0].upfront_fee, sizeof o[0].upfront_fee, "1498.1200");
	o[0].count = 2, o[0].hours = 24, o[0].start = T0 + 3 * 86400, o[0].end = T0 + 4 * 86400;
	snprintf(o[1].id, sizeof o[1].id, "cb-0fedcba9876543210");
	snprintf(o[1].instance_type, sizeof o[1].instance_type, "p5.48xlarge");
	snprintf(o[1].az, sizeof o[1].az, "us-east-1b");
	snprintf(o[1].currency, sizeof o[1].currency, "USD");
	snprintf(o[1].upfront_fee, sizeof o[1].upfront_fee, "1512.0000");
	o[1].count = 2, o[1].hours = 24, o[1].start = T0 + 5 * 86400, o[1].end = T0 + 6 * 86400;
	s->lookup.nofferings = 2;
}

static void lookups_network(session_t *s)
{
	s->lookup.vpcs = calloc(2, sizeof *s->lookup.vpcs);
	assert_non_null(s->lookup.vpcs);
	snprintf(s->lookup.vpcs[0].id, sizeof s->lookup.vpcs[0].id, "vpc-0aa11bb22cc33dd44");
	snprintf(s->lookup.vpcs[0].cidr, sizeof s->lookup.vpcs[0].cidr, "10.20.0.0/16");
	snprintf(s->lookup.vpcs[1].id, sizeof s->lookup.vpcs[1].id, "vpc-0e5f6a7b");
	snprintf(s->lookup.vpcs[1].cidr, sizeof s->lookup.vpcs[1].cidr, "172.31.0.0/16");
	s->lookup.vpcs[1].is_default = 1;
	s->lookup.nvpcs = 2;
	snprintf(s->lookup.azs[0], sizeof s->lookup.azs[0], "us-east-1a");
	snprintf(s->lookup.azs[1], sizeof s->lookup.azs[1], "us-east-1b");
	s->lookup.nazs = 2;
}

static void setup_config(void)
{
	config_free(&h_cfg);
	config_init(&h_cfg);
	config_set(&h_cfg, "environment", "dev", CONFIG_SRC_CDK_JSON, "./cdk.json", NULL);
}

static const char *cfg(config_key_t k)
{
	const char *v = h_cfg.value[k];
	return v ? v : "(unset)";
}

static void test_type_panel(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	ui_t *ui = h_open(&s, 120, 40, 0);
	assert_int_equal(ui->screen, UI_WIZARD);
	h_assert_screen(ui, "wizard_type_120x40");
	h_close(ui);
	ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "GkK"); /* to the last row but one: inf2.24xlarge, no EFA */
	h_assert_screen(ui, "wizard_type_80x24_no_efa");
	h_close(ui);
	h_session_free(&s);
}

/* The whole way through with a non-default type and volume, a Capacity Block from the
 * live list, a zone and a port, then deploy. */
static void test_wizard_to_deploy(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	ui_t *ui = h_open(&s, 120, 40, 0);

	h_keys(ui, "/p5\r");
	assert_int_equal(h_find_row(ui, "g5.12xlarge", NULL), -1);
	h_keys(ui, "\r");
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	assert_string_equal(ui->wiz->volume, "1000"); /* the catalog's recommendation, prefilled */
	assert_string_equal(h_calls, "lookup_image p5.48xlarge\n");

	/* The AMI's root snapshot comes back (issue 13 item 9): a volume below it is refused as
	 * it is typed, and Enter does not take it. */
	snprintf(s.lookup.image.instance_type, sizeof s.lookup.image.instance_type, "p5.48xlarge");
	snprintf(s.lookup.image.ami, sizeof s.lookup.image.ami, "ami-0123456789abcdef0");
	s.lookup.image.root_gib = 75;
	ui_changed(ui, SESS_CH_LOOKUP);
	h_keys(ui, "50");
	assert_string_equal(ui->wiz->volume, "50");
	assert_true(h_find_row(ui, "error: The AMI ami-0123456789abcdef0 has a 75 GiB root snapshot", NULL) >= 0);
	h_keys(ui, "\r");
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	assert_string_equal(h_row(ui, 38), "The AMI's root snapshot is 75 GiB: enter 75 GiB or more.");
	ui_key(ui, KEY_BACKSPACE);
	ui_key(ui, KEY_BACKSPACE);
	h_calls[0] = 0;

	h_keys(ui, "700");
	h_assert_screen(ui, "wizard_volume_700_120x40");
	h_keys(ui, "0"); /* 7000 */
	assert_int_equal(h_find_row(ui, "warning:", NULL), -1);
	h_keys(ui, "0"); /* 70000 is past gp3's 16384 GiB: refused */
	assert_string_equal(ui->wiz->volume, "7000");
	assert_string_equal(h_row(ui, 38), "gp3 volumes are 1 to 16384 GiB.");
	ui_key(ui, KEY_BACKSPACE);
	h_keys(ui, "\r");
	assert_int_equal(ui->wiz->panel, WIZ_CAPACITY);
	assert_string_equal(h_calls, "lookup_saved_reservation\n");

	/* The lookups come back one after the other. */
	s.lookup.busy = 0;
	ui_changed(ui, SESS_CH_LOOKUP);
	assert_string_equal(h_calls, "lookup_saved_reservation\nlookup_reservations p5.48xlarge\n");
	lookups_reservations(&s);
	ui_changed(ui, SESS_CH_LOOKUP);
	h_assert_screen(ui, "wizard_capacity_120x40");

	/* Search Capacity Blocks and buy one: the fee must be typed back. */
	h_calls[0] = 0;
	h_keys(ui, "o");
	assert_int_equal(ui->wiz->offers, 1);
	h_keys(ui, "\r");
	assert_string_equal(h_calls, "lookup_offerings p5.48xlarge count=2 hours=24 window=1209600s\n");
	h_keys(ui, "\t\t");
	ui_key(ui, KEY_BACKSPACE);
	ui_key(ui, KEY_BACKSPACE);
	h_keys(ui, "7\r");
	assert_string_equal(h_calls, "lookup_offerings p5.48xlarge count=2 hours=24 window=1209600s\n"
	                             "lookup_offerings p5.48xlarge count=2 hours=24 window=604800s\n");
	lookups_offerings(&s);
	ui_changed(ui, SESS_CH_LOOKUP);
	h_assert_screen(ui, "wizard_offerings_120x40");
	h_calls[0] = 0;
	h_keys(ui, "b");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_string_equal(ui->dlg.expect, "1498.12");
	h_assert_screen(ui, "wizard_buy_dialog_120x40");
	h_keys(ui, "1498\t\r");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	h_keys(ui, ".12\r");
	assert_string_equal(h_calls, "purchase_offering cb-0123456789abcdef0\n");
	assert_int_equal(ui->wiz->offers, 0);

	/* Back in the list: the expired and the scheduled blocks are not taken, and say why. */
	h_calls[0] = 0;
	h_keys(ui, "j\r");
	assert_int_equal(ui->wiz->panel, WIZ_CAPACITY);
	assert_null(config_get(&ui->wiz->cfg, CONFIG_CAPACITY_RESERVATION_ID)); /* nothing taken */
	assert_true(h_find_row(ui, "is expired, not active", NULL) >= 0);
	h_keys(ui, "j\r");
	assert_int_equal(ui->wiz->panel, WIZ_CAPACITY);
	assert_true(h_find_row(ui, "is scheduled, not active", NULL) >= 0);
	/* Take the active Capacity Block: its zone comes with it. */
	h_keys(ui, "j\r");
	assert_int_equal(ui->wiz->panel, WIZ_NETWORK);
	assert_string_equal(config_get(&ui->wiz->cfg, CONFIG_AVAILABILITY_ZONE), "us-east-1b");
	assert_string_equal(cfg(CONFIG_CAPACITY_RESERVATION_ID), "(unset)"); /* applied to the wizard's copy */
	assert_string_equal(config_get(&ui->wiz->cfg, CONFIG_CAPACITY_RESERVATION_ID), "cr-0feedc0ffee123456");
	assert_int_equal(config_use_capacity_block(&ui->wiz->cfg), 1);
	assert_string_equal(h_calls, "lookup_network p5.48xlarge\n");
	lookups_network(&s);
	ui_changed(ui, SESS_CH_LOOKUP);
	h_assert_screen(ui, "wizard_network_120x40");
	h_keys(ui, "\tjj\t"); /* the zone is the block's: moving it is refused (issue 14 item 7) */
	for (int i = 0; i < 4; i++) ui_key(ui, KEY_BACKSPACE);
	h_keys(ui, "22\r");
	assert_int_equal(ui->wiz->panel, WIZ_NETWORK);
	assert_string_equal(h_row(ui, 38), "The vLLM port must be 1 to 65535 and not 22 (SSH stays closed).");
	h_keys(ui, "00\r");
	assert_int_equal(ui->wiz->panel, WIZ_REVIEW);
	h_assert_screen(ui, "wizard_review_120x40");

	/* Deploy asks once more (Cancel focused), then sends the configuration. */
	h_calls[0] = 0;
	h_keys(ui, "d");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	h_keys(ui, "\r");
	assert_string_equal(h_calls, "");
	h_keys(ui, "d\t\r");
	assert_string_equal(h_calls, "set_config\ndeploy (default)\n");
	assert_int_equal(ui->screen, UI_STACK);
	assert_string_equal(cfg(CONFIG_INSTANCE_TYPE), "p5.48xlarge");
	assert_string_equal(cfg(CONFIG_VOLUME_SIZE), "700");
	assert_string_equal(cfg(CONFIG_CAPACITY_RESERVATION_ID), "cr-0feedc0ffee123456");
	assert_string_equal(cfg(CONFIG_USE_CAPACITY_BLOCK), "true");
	assert_string_equal(cfg(CONFIG_AVAILABILITY_ZONE), "us-east-1b");
	assert_string_equal(cfg(CONFIG_VLLM_PORT), "2200");
	assert_string_equal(cfg(CONFIG_VPC_ID), "(unset)"); /* the default VPC stays implicit */
	assert_string_equal(h_cfg.origin[CONFIG_INSTANCE_TYPE], "console");
	assert_string_equal(h_cfg.origin[CONFIG_ENVIRONMENT], "./cdk.json");
	h_close(ui);
	h_session_free(&s);
}

static void test_review_80x24(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	config_set(&h_cfg, "instanceType", "g6e.48xlarge", CONFIG_SRC_FLAG, NULL, NULL);
	config_set(&h_cfg, "volumeSize", "300", CONFIG_SRC_USER_FILE, "/home/ops/.config/nixl-tui/config.json", NULL);
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_keys(ui, ":deploy\r");
	assert_int_equal(ui->wiz->panel, WIZ_REVIEW);
	h_assert_screen(ui, "wizard_review_80x24");
	/* v: the same deploy, asked first (Cancel focused), then verify once ready */
	h_calls[0] = 0;
	h_keys(ui, "v");
	assert_non_null(strstr(ui->dlg.text, "Once it is ready: setup, MLflow check, EFA checks and ping-pong"));
	h_keys(ui, "\r");
	assert_string_equal(h_calls, "");
	assert_int_equal(view_nodes_verify_pending(ui), 0);
	h_keys(ui, "v\t\r");
	assert_string_equal(h_calls, "set_config\ndeploy (default)\n");
	assert_int_equal(view_nodes_verify_pending(ui), 1);
	h_close(ui);
	h_session_free(&s);
}

/* A type without EFA asks first; the acknowledgement goes to the session at deploy. */
static void test_non_efa_acknowledged(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "/inf2.24\r\r");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_string_equal(ui->dlg.title, "No EFA on this type");
	h_keys(ui, "\r"); /* Cancel */
	assert_int_equal(ui->wiz->panel, WIZ_TYPE);
	h_keys(ui, "\r\t\r");
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	assert_int_equal(ui->wiz->non_efa_ack, 1);
	h_keys(ui, ":deploy\r");
	assert_true(h_find_row(ui, "acknowledged: instanceType inf2.24xlarge has no EFA", NULL) > 0);
	h_keys(ui, "d\t\r");
	assert_string_equal(h_calls, "lookup_image inf2.24xlarge\nset_config\nset_config\nacknowledge\ndeploy (default)\n");
	h_close(ui);
	h_session_free(&s);
}

static void test_read_only_wizard(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	ui_t *ui = h_open(&s, 120, 40, 1);
	h_keys(ui, ":deploy\r");
	assert_string_equal(h_row(ui, 38), "Read-only: deploy is turned off (--read-only).");
	assert_int_equal(ui->wiz->panel, WIZ_TYPE);
	h_keys(ui, "\r\r");
	assert_int_equal(ui->wiz->panel, WIZ_CAPACITY);
	assert_string_equal(h_row(ui, 39), "? Help  Enter Next  Esc Back  o Offerings  r Refresh  : Cmd  O Stacks  q Quit");
	/* the offerings search: Enter searches there, and the hint says so (issue 14 item 12) */
	h_keys(ui, "o");
	assert_string_equal(h_row(ui, 39), "? Help  Esc Back  Enter Search  Tab Field  r Refresh  : Cmd  O Stacks  q Quit");
	h_close(ui);
	h_session_free(&s);
}

static void test_lookup_error_shown(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "\r\r");
	snprintf(s.lookup.error, sizeof s.lookup.error,
	         "DescribeCapacityReservations: UnauthorizedOperation: you are not allowed to list reservations");
	ui_changed(ui, SESS_CH_LOOKUP);
	assert_string_equal(h_row(ui, 22), "DescribeCapacityReservations: UnauthorizedOperation: you are not allowed to lis~");
	s.lookup.busy = 1;
	ui_changed(ui, SESS_CH_LOOKUP);
	assert_string_equal(h_row(ui, 22), "| Asking AWS...");
	h_close(ui);
	h_session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_panel),
		cmocka_unit_test(test_wizard_to_deploy),
		cmocka_unit_test(test_review_80x24),
		cmocka_unit_test(test_non_efa_acknowledged),
		cmocka_unit_test(test_read_only_wizard),
		cmocka_unit_test(test_lookup_error_shown),
	};
	int rc = cmocka_run_group_tests_name("ui_wizard", tests, NULL, NULL);
	config_free(&h_cfg);
	return rc;
}
