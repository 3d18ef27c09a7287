/* The wizard's network panel with more VPCs than rows (issue 14, item 12: a position on
 * every long list): the list scrolls with its selection, its header says where it is
 * ("VPC  8-25 of 30"), and a click picks the VPC drawn under it. */
#include "ui_harness.h"

#include "ui/view_wizard.h"

static void test_long_vpc_list(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	enum { NV = 30 };
	s.lookup.vpcs = calloc(NV, sizeof *s.lookup.vpcs);
	assert_non_null(s.lookup.vpcs);
	for (int i = 0; i < NV; i++) {
		snprintf(s.lookup.vpcs[i].id, sizeof s.lookup.vpcs[i].id, "vpc-0aa11bb22cc33d%03d", i);
		snprintf(s.lookup.vpcs[i].cidr, sizeof s.lookup.vpcs[i].cidr, "10.%d.0.0/16", i);
	}
	s.lookup.vpcs[0].is_default = 1;
	s.lookup.nvpcs = NV;
	snprintf(s.lookup.azs[0], sizeof s.lookup.azs[0], "us-east-1a");
	s.lookup.nazs = 1;
	ui_t *ui = h_open(&s, 80, 24, 0);
	ui_show(ui, UI_WIZARD);
	ui->wiz->panel = WIZ_NETWORK;
	ui_changed(ui, SESS_CH_LOOKUP);
	int hy = h_find_row(ui, "VPC  1-", " of 30");
	assert_true(hy > 0);
	for (int i = 0; i < 27; i++) ui_key(ui, 'j');
	assert_int_equal(ui->wiz->vpc_sel, 27);
	int y = h_find_row(ui, "> vpc-0aa11bb22cc33d027", NULL);
	assert_true(y > 0); /* in view */
	assert_true(h_find_row(ui, "VPC  ", "-28 of 30") > 0);
	assert_int_equal(h_find_row(ui, "vpc-0aa11bb22cc33d000", NULL), -1); /* scrolled */
	/* a click on the row above picks the VPC drawn there */
	ui_click(ui, y - 1, 3);
	assert_int_equal(ui->wiz->vpc_sel, 26);
	h_close(ui);
	h_session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_vpc_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
