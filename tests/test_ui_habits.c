/* Issue 14 ("A console people trust"), items 7, 8, 9, 11, 12, 15: the habits users bring
 * from other consoles. D says before the name is asked when nothing can be deleted yet,
 * and deletes a stack being created once CloudFormation has it; S-Tab goes back in the
 * wizard; the offerings search says what Enter does; long lists say where they are;
 * capacity rows fit 80 columns with the selected one in full below; a bought Capacity
 * Block is selected once listed; Review runs the volume check preflight runs and gives
 * console advice, not a flag; the stack picker lists, pages and opens; r reads the stack
 * again; / filters the pane that has the focus. */
#include "ui_harness.h"

#include "ui/view_wizard.h"
#include "ui/view_stack.h"

/* 2026-03-02 10:00:00 UTC */
#define T0 ((time_t)1772445600)

static void setup_config(void)
{
	config_free(&h_cfg);
	config_init(&h_cfg);
	config_set(&h_cfg, "environment", "dev", CONFIG_SRC_CDK_JSON, "./cdk.json", NULL);
}

static struct sess_reservation *add_reservation(session_t *s, const char *id, const char *az, const char *state,
                                                const char *kind, int total, int available)
{
	s->lookup.reservations = realloc(s->lookup.reservations, (s->lookup.nreservations + 1) * sizeof *s->lookup.reservations);
	assert_non_null(s->lookup.reservations);
	struct sess_reservation *r = &s->lookup.reservations[s->lookup.nreservations++];
	memset(r, 0, sizeof *r);
	snprintf(r->id, sizeof r->id, "%s", id);
	snprintf(r->instance_type, sizeof r->instance_type, "p5.48xlarge");
	snprintf(r->az, sizeof r->az, "%s", az);
	snprintf(r->state, sizeof r->state, "%s", state);
	snprintf(r->type, sizeof r->type, "%s", kind);
	snprintf(r->platform, sizeof r->platform, "Linux/UNIX");
	snprintf(r->tenancy, sizeof r->tenancy, "default");
	r->total = total, r->available = available;
	return r;
}

/* The wizard on the capacity panel for 2 x p5.48xlarge, the lookups answered. */
static ui_t *to_capacity(session_t *s, int cols, int rows)
{
	h_cfg.value[CONFIG_INSTANCE_TYPE] = NULL;
	config_set(&h_cfg, "instanceType", "p5.48xlarge", CONFIG_SRC_FLAG, NULL, NULL);
	ui_t *ui = h_open(s, cols, rows, 0);
	h_keys(ui, "\r\r");
	assert_int_equal(ui->wiz->panel, WIZ_CAPACITY);
	ui_changed(ui, SESS_CH_LOOKUP); /* the saved reservation, then the list */
	return ui;
}

/* ---- item 9: D says it before asking, and deletes a stack being created ---- */

static void test_destroy_said_before_asking(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	s.phase = SESS_PREFLIGHT;
	h_step(&s, "Configuration", STEP_RUNNING, "checking");
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "D");
	assert_int_equal(ui->modal, UI_MODAL_NONE); /* no name asked for */
	assert_string_equal(h_row(ui, 38), "Preflight is running and nothing is created yet: q stops it.");

	/* CreateStack sent, not answered: the template's resources are listed, no stack yet */
	s.phase = SESS_CREATING;
	h_resource(&s, "Node1", "AWS::EC2::Instance", "", RES_PENDING, "", 0);
	h_keys(ui, "D");
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_string_equal(h_row(ui, 38), "CloudFormation has not accepted the stack yet: D works as soon as it has.");
	assert_string_equal(h_calls, "");

	assert_null(strstr(h_row(ui, 39), "D Destroy"));
	/* CREATE_IN_PROGRESS: AWS deletes it (it stops creating), so D asks and deletes; the
	 * hint bar shows D as soon as CreateStack has answered (its step ends) */
	snprintf(s.stack_id, sizeof s.stack_id, "arn:aws:cloudformation:us-east-1:123456789012:stack/nixl-efa-dev-east-1/1");
	snprintf(s.stack_status, sizeof s.stack_status, "CREATE_IN_PROGRESS");
	ui_render(ui);
	ui_changed(ui, SESS_CH_STEPS);
	ui_render(ui);
	char hint[256];
	dump_row(39, hint, sizeof hint);
	assert_non_null(strstr(hint, "D Destroy"));
	h_keys(ui, "D");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_non_null(strstr(ui->dlg.text, "still being created: CloudFormation stops creating it"));
	h_keys(ui, "nixl-efa-dev-east-1\t\r");
	assert_string_equal(h_calls, "teardown\n");
	h_close(ui);
	h_session_free(&s);
}

/* ---- item 12: S-Tab, the offerings hint, position indicators, rows that fit ---- */

static void test_shift_tab_goes_back(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "\r");
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	ui_key(ui, KEY_BTAB);
	assert_int_equal(ui->wiz->panel, WIZ_TYPE);
	h_keys(ui, "\r\r");
	assert_int_equal(ui->wiz->panel, WIZ_CAPACITY);
	ui_key(ui, KEY_BTAB);
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	h_close(ui);
	h_session_free(&s);
}

static void test_offerings_hint_says_enter(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	ui_t *ui = to_capacity(&s, 80, 24);
	h_keys(ui, "o");
	const char *hint = h_row(ui, 23);
	assert_non_null(strstr(hint, "Enter Search"));
	assert_null(strstr(hint, "Next"));
	assert_non_null(strstr(h_row(ui, 22 - 1), "b then buys")); /* the note names b before a search */
	h_close(ui);
	h_session_free(&s);
}

static void test_position_indicators(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	ui_t *ui = h_open(&s, 80, 24, 0);
	size_t ntypes;
	catalog_list(&ntypes);
	char want[64];
	snprintf(want, sizeof want, "1-14 of %zu", ntypes);
	assert_non_null(strstr(h_row(ui, 3), want)); /* the instance types */
	h_close(ui);

	for (int i = 0; i < 20; i++) {
		char id[32];
		snprintf(id, sizeof id, "cr-0%018d", i);
		add_reservation(&s, id, "us-east-1a", "active", "default", 2, 2);
	}
	ui = to_capacity(&s, 80, 24);
	assert_non_null(strstr(h_row(ui, 3), "1-14 of 22")); /* on-demand, 20, search */
	h_keys(ui, "G");
	assert_non_null(strstr(h_row(ui, 3), "9-22 of 22"));
	h_close(ui);
	h_session_free(&s);
}

static void test_capacity_rows_fit_80(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	struct sess_reservation *r = add_reservation(&s, "cr-0feedc0ffee123456", "us-east-1b", "active", "capacity-block", 2, 2);
	r->start = T0 - 3600, r->end = T0 + 86400;
	r = add_reservation(&s, "cr-0e0e0e0e0e0e0e0e0", "us-east-1a", "expired", "capacity-block", 1, 0);
	r->start = T0 - 2 * 86400, r->end = T0 - 86400;
	ui_t *ui = to_capacity(&s, 80, 24);
	int y = h_find_row(ui, "cr-0feedc0ffee123456", "us-east-1b");
	assert_true(y >= 0);
	const char *row = h_row(ui, y);
	assert_non_null(strstr(row, "until 03-03 10:00"));
	assert_null(strchr(row, '~')); /* nothing cut */
	y = h_find_row(ui, "cr-0e0e0e0e0e0e0e0e0", NULL);
	assert_true(y >= 0);
	assert_non_null(strstr(h_row(ui, y), "not active"));
	assert_null(strchr(h_row(ui, y), '~'));
	/* the selected one in full on the detail line */
	h_keys(ui, "j");
	assert_true(h_find_row(ui, "2026-03-02 09:00 to 2026-03-03 10:00", NULL) >= 0);
	h_close(ui);
	h_session_free(&s);
}

/* ---- item 7: a reservation pins the zone ---- */

static void test_reservation_pins_zone(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	struct sess_reservation *r = add_reservation(&s, "cr-0feedc0ffee123456", "us-east-1b", "active", "capacity-block", 2, 2);
	r->start = T0 - 3600, r->end = T0 + 86400;
	ui_t *ui = to_capacity(&s, 120, 40);
	h_keys(ui, "j\r");
	assert_int_equal(ui->wiz->panel, WIZ_NETWORK);
	snprintf(s.lookup.azs[0], sizeof s.lookup.azs[0], "us-east-1a");
	snprintf(s.lookup.azs[1], sizeof s.lookup.azs[1], "us-east-1b");
	s.lookup.nazs = 2;
	ui_changed(ui, SESS_CH_LOOKUP);
	assert_true(h_find_row(ui, "> us-east-1b", NULL) > 0);
	h_keys(ui, "\tk"); /* the zone list, one up: us-east-1a */
	assert_true(h_find_row(ui, "> us-east-1b", NULL) > 0);
	assert_int_equal(h_find_row(ui, "> us-east-1a", NULL), -1);
	assert_string_equal(h_row(ui, 38), "The instances launch in us-east-1b, the zone of the reservation: Esc back to "
	                                   "Capacity to choose another.");
	assert_true(h_find_row(ui, "The zone is us-east-1b, the reservation's", NULL) > 0);
	h_keys(ui, "\r");
	assert_int_equal(ui->wiz->panel, WIZ_REVIEW);
	assert_string_equal(config_get(&ui->wiz->cfg, CONFIG_AVAILABILITY_ZONE), "us-east-1b");
	assert_true(h_find_row(ui, "No errors or warnings", NULL) > 0);
	h_close(ui);
	h_session_free(&s);
}

/* ---- item 8: the block just bought is selected once AWS lists it ---- */

static void test_bought_block_selected(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	add_reservation(&s, "cr-0a11b22c33d44e55f", "us-east-1a", "active", "default", 2, 2);
	s.lookup.offerings = calloc(1, sizeof *s.lookup.offerings);
	assert_non_null(s.lookup.offerings);
	struct sess_offering *o = &s.lookup.offerings[0];
	snprintf(o->id, sizeof o->id, "cb-0123456789abcdef0");
	snprintf(o->instance_type, sizeof o->instance_type, "p5.48xlarge");
	snprintf(o->az, sizeof o->az, "us-east-1b");
	snprintf(o->currency, sizeof o->currency, "USD");
	snprintf(o->upfront_fee, sizeof o->upfront_fee, "1498.1200");
	o->count = 2, o->hours = 24, o->start = T0, o->end = T0 + 86400;
	s.lookup.nofferings = 1;
	ui_t *ui = to_capacity(&s, 120, 40);
	h_keys(ui, "jj"); /* the operator moved: the list no longer preselects */
	h_keys(ui, "ob1498.12\t\r");
	assert_non_null(strstr(h_calls, "purchase_offering cb-0123456789abcdef0\n"));
	/* the purchase answers: the block is the saved reservation now; the list is asked again */
	snprintf(s.lookup.saved_reservation, sizeof s.lookup.saved_reservation, "cr-0b0ughtb10ck00001");
	h_calls[0] = 0;
	ui_changed(ui, SESS_CH_LOOKUP);
	assert_string_equal(h_calls, "lookup_reservations p5.48xlarge\n");
	struct sess_reservation *r = add_reservation(&s, "cr-0b0ughtb10ck00001", "us-east-1b", "active", "capacity-block", 2, 2);
	r->start = T0 - 60, r->end = T0 + 86400;
	ui_changed(ui, SESS_CH_LOOKUP);
	int y = h_find_row(ui, "cr-0b0ughtb10ck00001", NULL);
	assert_true(y >= 0);
	assert_non_null(strstr(h_row(ui, y), "(*)")); /* the choice */
	assert_int_equal(h_attr(ui, y, 0) & A_COLOR, theme_attr(ROLE_SELECT) & A_COLOR); /* the cursor */
	assert_string_equal(config_get(&ui->wiz->cfg, CONFIG_CAPACITY_RESERVATION_ID), "cr-0b0ughtb10ck00001");
	assert_string_equal(config_get(&ui->wiz->cfg, CONFIG_AVAILABILITY_ZONE), "us-east-1b");
	h_close(ui);
	h_session_free(&s);
}

/* ---- item 11: the Volume panel does not take a size before the snapshot is known ---- */

static void test_volume_waits_for_snapshot(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	config_set(&h_cfg, "instanceType", "p5.48xlarge", CONFIG_SRC_FLAG, NULL, NULL);
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "\r");
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	assert_string_equal(h_calls, "lookup_image p5.48xlarge\n");
	s.lookup.busy = 1; /* the session's lookup_image, in flight */
	snprintf(s.lookup.image.instance_type, sizeof s.lookup.image.instance_type, "p5.48xlarge");
	h_keys(ui, "5\r");
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	assert_string_equal(h_row(ui, 22), "Asking AWS for the AMI's root snapshot size: on to Capacity once it answers.");
	/* it answers: 5 GiB is under the snapshot, refused, and the panel stays */
	s.lookup.busy = 0;
	snprintf(s.lookup.image.ami, sizeof s.lookup.image.ami, "ami-0123456789abcdef0");
	s.lookup.image.root_gib = 75;
	ui_changed(ui, SESS_CH_LOOKUP);
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	assert_true(h_find_row(ui, "75 GiB root snapshot", NULL) > 0);
	h_keys(ui, "\r");
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	/* a size over it, Enter while the answer is awaited: on to Capacity when it comes */
	ui_key(ui, KEY_BACKSPACE);
	h_keys(ui, "100");
	memset(&s.lookup.image, 0, sizeof s.lookup.image);
	snprintf(s.lookup.image.instance_type, sizeof s.lookup.image.instance_type, "p5.48xlarge");
	s.lookup.busy = 1;
	h_keys(ui, "\r");
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	s.lookup.busy = 0;
	s.lookup.image.root_gib = 75;
	ui_changed(ui, SESS_CH_LOOKUP);
	assert_int_equal(ui->wiz->panel, WIZ_CAPACITY);
	assert_string_equal(config_get(&ui->wiz->cfg, CONFIG_VOLUME_SIZE), "100");
	h_close(ui);
	h_session_free(&s);
}

/* ---- items 7 and 11: Review runs preflight's volume check; advice is the console's ---- */

static void test_review_checks_volume_floor(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	config_set(&h_cfg, "volumeSize", "5", CONFIG_SRC_FLAG, NULL, NULL);
	config_set(&h_cfg, "instanceType", "p5.48xlarge", CONFIG_SRC_FLAG, NULL, NULL);
	snprintf(s.lookup.image.instance_type, sizeof s.lookup.image.instance_type, "p5.48xlarge");
	snprintf(s.lookup.image.ami, sizeof s.lookup.image.ami, "ami-0123456789abcdef0");
	s.lookup.image.root_gib = 75;
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, ":deploy\r");
	assert_int_equal(ui->wiz->panel, WIZ_REVIEW);
	assert_true(h_find_row(ui, "error: The volume is 5 GiB but the AMI ami-0123456789abcdef0 has a 75 GiB root snapshot", NULL) >= 0);
	assert_int_equal(h_find_row(ui, "No errors or warnings", NULL), -1);
	h_calls[0] = 0;
	h_keys(ui, "d");
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_non_null(strstr(h_row(ui, 38), "Fix this first: The volume is 5 GiB"));
	assert_null(strstr(h_calls, "deploy"));
	h_close(ui);
	h_session_free(&s);
}

static void test_review_advice_is_console(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	config_set(&h_cfg, "instanceType", "inf2.24xlarge", CONFIG_SRC_FLAG, NULL, NULL);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, ":deploy\r");
	assert_int_equal(ui->wiz->panel, WIZ_REVIEW);
	int y = h_find_row(ui, "has no EFA", NULL);
	assert_true(y >= 0);
	for (int i = 0; i < 40; i++) assert_null(strstr(h_row(ui, i), "--allow-non-efa"));
	assert_true(h_find_row(ui, "d asks you to acknowledge it", NULL) >= 0);
	h_keys(ui, "d");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_null(strstr(ui->dlg.text, "--allow-non-efa"));
	h_close(ui);
	h_session_free(&s);
}

/* ---- item 15: the stack picker and r on the stack screen ---- */

static void add_stack_row(session_t *s, const char *name, const char *status)
{
	s->lookup.stacks = realloc(s->lookup.stacks, (s->lookup.nstacks + 1) * sizeof *s->lookup.stacks);
	assert_non_null(s->lookup.stacks);
	struct sess_stack_row *r = &s->lookup.stacks[s->lookup.nstacks++];
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	snprintf(r->status, sizeof r->status, "%s", status);
	snprintf(r->environment, sizeof r->environment, "dev");
	r->created = T0;
}

static void test_stack_picker(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	ui_t *ui = h_open(&s, 80, 24, 0);
	assert_non_null(strstr(h_row(ui, 23), "O Stacks"));
	h_keys(ui, "O");
	assert_int_equal(ui->modal, UI_MODAL_PICKER);
	assert_string_equal(h_calls, "lookup_stacks\n");
	s.lookup.busy = 1;
	s.lookup.stacks_pages = 1;
	ui_changed(ui, SESS_CH_LOOKUP);
	assert_true(h_find_row(ui, "Reading the stacks: page 2...", NULL) >= 0);
	for (int i = 1; i <= 30; i++) {
		char name[64];
		snprintf(name, sizeof name, "nixl-efa-run%02d", i);
		add_stack_row(&s, name, i == 30 ? "CREATE_COMPLETE" : "ROLLBACK_COMPLETE");
	}
	s.lookup.busy = 0;
	s.lookup.stacks_done = 1;
	ui_changed(ui, SESS_CH_LOOKUP);
	assert_non_null(strstr(h_row(ui, 1), "Stacks nixl-tui created in us-east-1: 30, 1-17 of 30"));
	h_keys(ui, "G");
	assert_non_null(strstr(h_row(ui, 1), "14-30 of 30"));
	int y = h_find_row(ui, "nixl-efa-run30", "CREATE_COMPLETE");
	assert_true(y >= 0);
	assert_null(strchr(h_row(ui, y), '~'));
	h_calls[0] = 0;
	h_keys(ui, "\r");
	assert_string_equal(h_calls, "open_stack nixl-efa-run30\n");
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_int_equal(ui->screen, UI_STACK);
	h_close(ui);

	/* A stack with nodes is open: the picker says why not instead of listing */
	s.phase = SESS_READY;
	snprintf(s.stack_status, sizeof s.stack_status, "CREATE_COMPLETE");
	h_node(&s, "head", "i-0aaaaaaaaaaaaaaa1", "running", "", "10.0.0.1", "Online");
	ui = h_open(&s, 80, 24, 0);
	h_calls[0] = 0;
	h_keys(ui, "O");
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_string_equal(h_calls, "");
	assert_string_equal(h_row(ui, 22), "A stack is open: the picker opens another once this one is deleted (D).");
	h_close(ui);
	h_session_free(&s);
}

static void test_stack_reload(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	s.phase = SESS_FAILED;
	snprintf(s.stack_status, sizeof s.stack_status, "ROLLBACK_COMPLETE");
	h_resource(&s, "Node1", "AWS::EC2::Instance", "DELETE_COMPLETE", RES_DELETED, "", 0);
	ui_t *ui = h_open(&s, 80, 24, 0);
	assert_int_equal(ui->screen, UI_STACK);
	h_keys(ui, "r");
	assert_string_equal(h_calls, "attach\n");
	s.phase = SESS_CREATING;
	h_calls[0] = 0;
	h_keys(ui, "r");
	assert_string_equal(h_calls, "");
	assert_string_equal(h_row(ui, 22), "The view follows CloudFormation live while it works.");
	h_close(ui);
	h_session_free(&s);
}

/* ---- item 12: / filters the pane with the focus; failure reasons in full ---- */

static void test_filter_focused_pane(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	s.phase = SESS_FAILED;
	snprintf(s.stack_status, sizeof s.stack_status, "ROLLBACK_IN_PROGRESS");
	snprintf(s.stack_id, sizeof s.stack_id, "arn:aws:cloudformation:us-east-1:123456789012:stack/x/1");
	h_resource(&s, "Node1", "AWS::EC2::Instance", "CREATE_FAILED", RES_FAILED, "capacity", 0);
	h_resource(&s, "Node2", "AWS::EC2::Instance", "CREATE_FAILED", RES_FAILED, "cancelled", 0);
	h_resource(&s, "PlacementGroup", "AWS::EC2::PlacementGroup", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_event(&s, T0, "PlacementGroup", "AWS::EC2::PlacementGroup", "CREATE_COMPLETE", "");
	h_event(&s, T0 + 1, "Node1", "AWS::EC2::Instance", "CREATE_FAILED", "capacity");
	ui_t *ui = h_open(&s, 120, 40, 0);
	assert_int_equal(ui->screen, UI_STACK);
	assert_int_equal(view_stack_focused(ui), 0); /* the resources have the focus */
	h_keys(ui, "/placement\r");
	assert_string_equal(view_stack_filter_of(ui, 0), "placement");
	assert_string_equal(view_stack_filter_of(ui, 1), "");
	assert_true(h_find_row(ui, "Resources 1 matching /placement", NULL) > 0);
	assert_int_equal(h_find_row(ui, "Node2", NULL), -1);
	assert_true(h_find_row(ui, "Events 2", NULL) > 0); /* the events untouched */
	/* Enter shows the selected one of the filtered rows */
	h_keys(ui, "\r");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_string_equal(ui->dlg.title, "PlacementGroup");
	h_keys(ui, "\033\t/node1\r"); /* the events pane */
	assert_string_equal(view_stack_filter_of(ui, 1), "node1");
	assert_string_equal(view_stack_filter_of(ui, 0), "placement");
	/* a reason longer than its column is read in full with Enter on the events */
	char longer[300];
	snprintf(longer, sizeof longer, "We currently do not have sufficient p5.48xlarge capacity in the Availability "
	         "Zone you requested (us-east-1a). Our system will be working on provisioning additional capacity.");
	snprintf(s.events[1].reason, sizeof s.events[1].reason, "%s", longer);
	int y = h_find_row(ui, "We currently do not have", NULL);
	assert_true(y > 0);
	assert_null(strstr(h_row(ui, y), "provisioning additional capacity.")); /* cut on its row */
	h_keys(ui, "\r");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_string_equal(ui->dlg.title, "Failure reasons");
	assert_non_null(strstr(ui->dlg.text, "provisioning additional capacity."));
	h_close(ui);
	h_session_free(&s);
}

/* ---- item 17: AWS not reached, said on the first screen ---- */

static void test_unreachable_on_first_screen(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	setup_config();
	/* what the session's attach leaves when AWS refuses the keys (sess_fail_err) */
	snprintf(s.root_cause, sizeof s.root_cause, "Looking for the stack: UnrecognizedClientException: The security "
	         "token included in the request is invalid.");
	ui_t *ui = h_open(&s, 80, 24, 0);
	assert_int_equal(ui->screen, UI_WIZARD);
	assert_int_equal(ui->wiz->panel, WIZ_TYPE);
	assert_true(h_find_row(ui, "AWS could not be reached", NULL) > 0);
	assert_true(h_find_row(ui, "Looking for the stack: UnrecognizedClientException", NULL) > 0);
	assert_true(h_find_row(ui, "(credentials: profile default)", NULL) > 0);
	assert_true(h_find_row(ui, "nixl-tui sandbox", NULL) > 0);
	assert_true(h_find_row(ui, "Instance type of the 2 nodes", NULL) > 0); /* the panel still there */
	for (int y = 0; y < 24; y++) assert_null(strchr(h_row(ui, y), '~')); /* nothing cut */
	h_close(ui);
	h_session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_destroy_said_before_asking),
		cmocka_unit_test(test_shift_tab_goes_back),
		cmocka_unit_test(test_offerings_hint_says_enter),
		cmocka_unit_test(test_position_indicators),
		cmocka_unit_test(test_capacity_rows_fit_80),
		cmocka_unit_test(test_reservation_pins_zone),
		cmocka_unit_test(test_bought_block_selected),
		cmocka_unit_test(test_volume_waits_for_snapshot),
		cmocka_unit_test(test_review_checks_volume_floor),
		cmocka_unit_test(test_review_advice_is_console),
		cmocka_unit_test(test_stack_picker),
		cmocka_unit_test(test_stack_reload),
		cmocka_unit_test(test_filter_focused_pane),
		cmocka_unit_test(test_unreachable_on_first_screen),
	};
	int rc = cmocka_run_group_tests_name("ui_habits", tests, NULL, NULL);
	config_free(&h_cfg);
	return rc;
}
