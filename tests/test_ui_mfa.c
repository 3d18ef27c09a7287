#include "testutil.h"
#include "ui/mfa.h"

/* What the MFA dialog sends: exactly 6 ASCII digits, STS AssumeRole's TokenCode
 * ("Fixed length of 6. Pattern: [\d]*", AWS STS API Reference, AssumeRole). */
static void test_code_six_digits(void **state)
{
	(void)state;
	assert_null(ui_mfa_code_problem("424242"));
	assert_null(ui_mfa_code_problem("000000"));
	const char *bad[] = { "", "4", "42424", "4242424", "42424a", "a42424", " 42424",
	                      "42424 ", "42 424", "\xd9\xa4\xd9\xa4\xd9\xa4", "-42424", "+42424" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = ui_mfa_code_problem(bad[i]);
		assert_non_null(why);
		assert_non_null(strstr(why, "6 digits"));
	}
}

/* Keys: only '0'..'9' are taken; the refusal says digits only. */
static void test_keys_digits_only(void **state)
{
	(void)state;
	for (int k = '0'; k <= '9'; k++) assert_null(ui_mfa_key_problem(k));
	const int bad[] = { 'a', 'Z', ' ', '-', '+', '.', '/', ':', 0x7f, 0x1b, 0xe9, 0x663, 0 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = ui_mfa_key_problem(bad[i]);
		assert_non_null(why);
		assert_non_null(strstr(why, "Digits only"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_six_digits),
		cmocka_unit_test(test_keys_digits_only),
	};
	return cmocka_run_group_tests_name("ui_mfa", tests, NULL, NULL);
}
