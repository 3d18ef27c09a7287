/* Task files (src/setup/tasks.c) and the runner's progress lines (src/setup/progress.c);
 * the runner itself runs in tests/setup/test_setup_local.sh. Also base/file.c. */
#include "testutil.h"

#include <errno.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "setup/progress.h"
#include "setup/runner.h"
#include "setup/tasks.h"

static int parse(const char *json, tasks_t *t, char *err)
{
	return tasks_parse(json, strlen(json), t, err, 256);
}

static void test_parse_keeps_the_users_format(void **state)
{
	(void)state;
	tasks_t t;
	char err[256] = "";
	const char *json = "{\"name\": \"n\", \"description\": \"d\", \"extra\": 1,"
	                   " \"variables\": {\"V\": \"1.2\", \"DIR\": \"/opt/x\"},"
	                   " \"tasks\": [{\"id\": \"a\", \"name\": \"A\", \"skip_if\": \"test -d {{DIR}}\","
	                   "             \"commands\": [\"pip install x=={{V}}\", \"docker ps --format '{{.Names}}'\"]},"
	                   "            {\"id\": \"b\", \"commands\": []}]}";
	assert_int_equal(parse(json, &t, err), 0);
	assert_string_equal(t.name, "n");
	assert_int_equal(t.nvars, 2);
	assert_int_equal(t.ntasks, 2);
	assert_string_equal(t.tasks[0].name, "A");
	assert_string_equal(t.tasks[1].name, "");
	assert_null(t.tasks[1].skip_if);
	assert_int_equal(t.tasks[1].ncommands, 0);
	assert_int_equal(tasks_find(&t, "b"), 1);
	assert_int_equal(tasks_find(&t, "c"), -1);
	char *x = tasks_expand(&t, t.tasks[0].commands[0]);
	assert_string_equal(x, "pip install x==1.2");
	free(x);
	x = tasks_expand(&t, t.tasks[0].commands[1]);
	assert_string_equal(x, "docker ps --format '{{.Names}}'"); /* not a variable: untouched */
	free(x);
	x = tasks_expand(&t, "{{V}}{{V}}{{ V}}{{V}{{DIR}}}}{{");
	assert_string_equal(x, "1.21.2{{ V}}{{V}/opt/x}}{{");
	free(x);
	tasks_free(&t);
}

static void test_parse_refuses_in_one_sentence(void **state)
{
	(void)state;
	static const struct { const char *json, *want; } cases[] = {
		{ "", "the task file is empty." },
		{ " \n\t", "the task file is empty." },
		{ "{\"tasks\": [\n  {\"id\": ", "the task file is not JSON (line 2, column" },
		{ "[1, 2]", "must be a JSON object" },
		{ "{}", "there is no \"tasks\" list." },
		{ "{\"tasks\": {}}", "\"tasks\" must be a list" },
		{ "{\"tasks\": []}", "the \"tasks\" list is empty" },
		{ "{\"tasks\": [3]}", "task 1 is not an object." },
		{ "{\"tasks\": [{\"commands\": []}]}", "task 1 has no \"id\"" },
		{ "{\"tasks\": [{\"id\": \"\", \"commands\": []}]}", "task 1 has no \"id\"" },
		{ "{\"tasks\": [{\"id\": 7, \"commands\": []}]}", "task 1 has no \"id\"" },
		{ "{\"tasks\": [{\"id\": \"a\\nb\", \"commands\": []}]}", "control character" },
		{ "{\"tasks\": [{\"id\": \"a\"}]}", "task \"a\" has no \"commands\"." },
		{ "{\"tasks\": [{\"id\": \"a\", \"commands\": \"ls\"}]}", "must be a list of shell lines" },
		{ "{\"tasks\": [{\"id\": \"a\", \"commands\": [\"ls\", 2]}]}", "command 2 is not text" },
		{ "{\"tasks\": [{\"id\": \"a\", \"skip_if\": true, \"commands\": []}]}", "\"skip_if\" must be" },
		{ "{\"tasks\": [{\"id\": \"a\", \"commands\": []}, {\"id\": \"a\", \"commands\": []}]}",
		  "tasks 1 and 2 have the same id \"a\"." },
		{ "{\"variables\": [], \"tasks\": [{\"id\": \"a\", \"commands\": []}]}", "\"variables\" must be an object" },
		{ "{\"variables\": {\"X\": null}, \"tasks\": [{\"id\": \"a\", \"commands\": []}]}", "variable \"X\" must be text" },
		/* found by fuzz_setup: the name was quoted into the sentence, newline and all */
		{ "{\"variables\": {\"A\\nB\": \"x\"}, \"tasks\": [{\"id\": \"a\", \"commands\": []}]}",
		  "variable 1: its name holds a control character." },
		{ "{\"variables\": {\"A\": \"x\", \"B\\u001b\": 2}, \"tasks\": [{\"id\": \"a\", \"commands\": []}]}",
		  "variable 2: its name holds a control character." },
		{ "{\"name\": 1, \"tasks\": [{\"id\": \"a\", \"commands\": []}]}", "must be text" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tasks_t t;
		char err[256] = "";
		assert_int_equal(parse(cases[i].json, &t, err), -1);
		if (!strstr(err, cases[i].want)) fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].want);
		if (strchr(err, '\n')) fail_msg("case %zu: the sentence holds a newline", i);
		assert_null(t.tasks); /* nothing kept after a refusal */
	}
}

static void test_parse_refuses_oversize(void **state)
{
	(void)state;
	size_t n = TASKS_MAX_BYTES + 1;
	char *big = malloc(n);
	memset(big, ' ', n);
	memcpy(big, "{\"tasks\": [{\"id\": \"a\", \"commands\": []}]}", 40);
	tasks_t t;
	char err[256];
	assert_int_equal(tasks_parse(big, n, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than the 1048576 a node is sent"));
	assert_int_equal(tasks_parse(big, n - 1, &t, err, sizeof err), 0);
	tasks_free(&t);
	free(big);
}

static char *b64d(const char *s)
{
	if (strcmp(s, "-") == 0) return strdup("");
	size_t n = strlen(s);
	unsigned char *out = calloc(n + 1, 1);
	int len = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	assert_true(len >= 0);
	while (n > 0 && s[n - 1] == '=') { len--; n--; }
	out[len] = 0;
	return (char *)out;
}

static void test_plan_is_expanded_and_marks_from(void **state)
{
	(void)state;
	tasks_t t;
	char err[256];
	assert_int_equal(parse("{\"variables\": {\"X\": \"v a l\"}, \"tasks\": ["
	                       "{\"id\": \"one\", \"name\": \"\", \"commands\": [\"echo '{{X}}' | tr a b\"]},"
	                       "{\"id\": \"two words\", \"name\": \"Two\", \"skip_if\": \"[ -n \\\"{{X}}\\\" ]\", \"commands\": [\"\"]}]}",
	                       &t, err), 0);
	char *plan = tasks_plan(&t, 1);
	assert_non_null(plan);
	char kind[16], a[128], b[128];
	int before;
	char *line = strtok(plan, "\n");
	assert_string_equal(line, "NIXL-PLAN 1 2");
	line = strtok(NULL, "\n");
	assert_int_equal(sscanf(line, "%15s %127s %127s %d", kind, a, b, &before), 4);
	char *id = b64d(a), *name = b64d(b);
	assert_string_equal(kind, "TASK");
	assert_string_equal(id, "one");
	assert_string_equal(name, "");
	assert_int_equal(before, 1);  /* before --from */
	free(id);
	free(name);
	line = strtok(NULL, "\n");
	assert_int_equal(sscanf(line, "%15s %127s", kind, a), 2);
	char *cmd = b64d(a);
	assert_string_equal(kind, "CMD");
	assert_string_equal(cmd, "echo 'v a l' | tr a b");
	free(cmd);
	line = strtok(NULL, "\n");
	assert_int_equal(sscanf(line, "%15s %127s %127s %d", kind, a, b, &before), 4);
	id = b64d(a);
	assert_string_equal(id, "two words");
	assert_int_equal(before, 0);
	free(id);
	line = strtok(NULL, "\n");
	assert_int_equal(sscanf(line, "%15s %127s", kind, a), 2);
	cmd = b64d(a);
	assert_string_equal(kind, "SKIPIF");
	assert_string_equal(cmd, "[ -n \"v a l\" ]");
	free(cmd);
	line = strtok(NULL, "\n");
	assert_string_equal(line, "CMD -");  /* an empty command survives `read` */
	assert_null(strtok(NULL, "\n"));
	free(plan);
	tasks_free(&t);
}

static void test_default_file_parses_and_script_embeds(void **state)
{
	(void)state;
	tasks_t t;
	char err[256];
	const char *text = setup_default_tasks_text();
	assert_int_equal(tasks_parse(text, strlen(text), &t, err, sizeof err), 0);
	assert_true(t.ntasks >= 15);
	assert_true(tasks_find(&t, "verify") == (long)t.ntasks - 1);
	tasks_free(&t);
	assert_non_null(strstr(setup_runner_text(), "===NIXL-TASKS-DONE"));
	char *script = setup_script("NIXL-PLAN 1 0\n", 1);
	assert_non_null(strstr(script, "\nNIXL_RUNNER_END\n"));
	assert_non_null(strstr(script, "\nNIXL-PLAN 1 0\nNIXL_PLAN_END\n"));
	assert_non_null(strstr(script, "\"$d/plan\" --reset &"));
	free(script);
}

static void test_s3_script_takes_only_names_it_can_quote(void **state)
{
	(void)state;
	const char *ids[] = { "i-0123456789abcdef0", "i-0123456789abcdef1" };
	setup_nodes_env_t env = { .ids = ids, .nids = 2, .node1_ip = "10.0.1.23" };
	char *s = setup_script_s3("nixl-efa-bucket-1", "nixl-tui/setup/20261202T035300Z-1a2b3c/", "us-east-1", &env, 0);
	assert_non_null(s);
	assert_non_null(strstr(s, "aws s3 cp --only-show-errors --recursive --region us-east-1 "
	                          "\"s3://nixl-efa-bucket-1/nixl-tui/setup/20261202T035300Z-1a2b3c/\" \"$d/\""));
	assert_non_null(strstr(s, "bash \"$d/task_runner.sh\" \"$d/plan\" &"));
	assert_non_null(strstr(s, "i-0123456789abcdef1) NIXL_NODE_INDEX=2 ;;"));
	assert_non_null(strstr(s, "MLFLOW_TRACKING_URI=http://10.0.1.23:5000"));
	free(s);
	setup_nodes_env_t none = { .ids = ids, .nids = 0, .node1_ip = "" };
	s = setup_script_s3("b-1.x", "p/", "eu-west-2", &none, 1);
	assert_null(strstr(s, "MLFLOW_TRACKING_URI"));
	assert_non_null(strstr(s, "\"$d/plan\" --reset &"));
	free(s);
	setup_nodes_env_t managed = { .ids = ids, .nids = 2, .node1_ip = "10.0.1.23",
	                              .mlflow_arn = "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml" };
	s = setup_script_s3("b-1.x", "p/", "eu-west-2", &managed, 0);
	assert_non_null(strstr(s, "MLFLOW_TRACKING_ARN=arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml\n"));
	assert_null(strstr(s, "MLFLOW_TRACKING_URI"));
	managed.mlflow_arn = "arn:aws:x;reboot";
	assert_null(setup_script_s3("b-1.x", "p/", "eu-west-2", &managed, 0));
	free(s);
	static const char *const bad[][3] = {
		{ "Bad_Bucket", "p/", "us-east-1" }, { "ab", "p/", "us-east-1" }, { "b$(x)", "p/", "us-east-1" },
		{ "bucket", "p", "us-east-1" }, { "bucket", "/p/", "us-east-1" }, { "bucket", "a/../b/", "us-east-1" },
		{ "bucket", "p q/", "us-east-1" }, { "bucket", "p\"/", "us-east-1" }, { "bucket", "p/", "us east" },
		{ "bucket", "p/", "us-east-1;rm" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (setup_script_s3(bad[i][0], bad[i][1], bad[i][2], &none, 0)) fail_msg("case %zu accepted", i);
	const char *bad_ids[] = { "i-0123456789abcdef0", "i-x; rm -rf /" };
	setup_nodes_env_t bad_env = { .ids = bad_ids, .nids = 2, .node1_ip = "" };
	assert_null(setup_script_s3("bucket", "p/", "us-east-1", &bad_env, 0));
	setup_nodes_env_t bad_ip = { .ids = ids, .nids = 2, .node1_ip = "10.0.0.1'" };
	assert_null(setup_script_s3("bucket", "p/", "us-east-1", &bad_ip, 0));
}

static void test_progress_follows_the_markers(void **state)
{
	(void)state;
	setup_progress_t p;
	assert_int_equal(setup_progress_init(&p, 3), 0);
	assert_int_equal(p.tasks[0].state, TASK_PENDING);
	assert_int_equal(p.tasks[0].ms, -1);
	setup_progress_line(&p, "===NIXL-TASK 0 skip 0===");
	setup_progress_line(&p, "===NIXL-TASK 1 start 0===");
	assert_int_equal(p.current, 1);
	setup_progress_line(&p, "2026-12-02T03:46:43Z [CMD] make -j8");
	for (int i = 0; i < 20; i++) {
		char l[32];
		snprintf(l, sizeof l, "line %d", i);
		setup_progress_line(&p, l);
	}
	assert_string_equal(p.tasks[1].command, "make -j8");
	assert_int_equal(p.tasks[1].ntail, PROGRESS_TAIL);
	assert_string_equal(p.tasks[1].tail[0], "line 12");
	assert_string_equal(p.tasks[1].tail[PROGRESS_TAIL - 1], "line 19");
	setup_progress_line(&p, "===NIXL-TASK 1 fail 1234===");
	assert_int_equal(p.tasks[1].state, TASK_FAILED);
	assert_int_equal(p.tasks[1].ms, 1234);
	assert_int_equal(p.current, -1);
	assert_int_equal(p.tasks[0].state, TASK_SKIPPED);
	assert_int_equal(p.tasks[0].ms, -1);
	/* not markers: near misses, indexes out of range, trailing text */
	setup_progress_line(&p, "===NIXL-TASK 7 ok 1===");
	setup_progress_line(&p, "===NIXL-TASK 2 ok 1=== and more");
	setup_progress_line(&p, "===NIXL-TASK 18446744073709551617 ok 1===");
	setup_progress_line(&p, "x [CMD] not a command line");
	assert_int_equal(p.tasks[2].state, TASK_PENDING);
	assert_int_equal(p.finished, 0);
	setup_progress_line(&p, "===NIXL-TASKS-DONE completed=1 skipped=1 failed=1===");
	assert_int_equal(p.finished, 1);
	assert_int_equal(p.failed, 1);
	assert_string_equal(task_state_name(TASK_OK), "success");
	setup_progress_free(&p);
}

static void test_file_read_bounds(void **state)
{
	(void)state;
	char path[] = "/tmp/nixl-test-file-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	char *out;
	size_t len;
	assert_int_equal(file_read(path, 10, &out, &len), 0);
	assert_int_equal(len, 10);
	assert_string_equal(out, "0123456789");
	free(out);
	assert_int_equal(file_read(path, 9, &out, &len), -1);
	assert_int_equal(errno, EFBIG);
	unlink(path);
	assert_int_equal(file_read(path, 9, &out, &len), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(file_read("/tmp", 9, &out, &len), -1);
	assert_int_equal(errno, EISDIR);
	/* written whole, 0600, nothing left beside it */
	assert_int_equal(file_write_atomic(path, "new text", 8, 0600), 0);
	assert_int_equal(file_read(path, 100, &out, &len), 0);
	assert_string_equal(out, "new text");
	free(out);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
	assert_int_equal(access(tmp, F_OK), -1);
	unlink(path);
	assert_int_equal(file_write_atomic("/nonexistent-dir/x", "a", 1, 0600), -1);
	assert_int_equal(errno, ENOENT);
	/* a device that never ends stops at the limit */
	assert_int_equal(file_read("/dev/zero", 100000, &out, &len), -1);
	assert_int_equal(errno, EFBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_keeps_the_users_format),
		cmocka_unit_test(test_parse_refuses_in_one_sentence),
		cmocka_unit_test(test_parse_refuses_oversize),
		cmocka_unit_test(test_plan_is_expanded_and_marks_from),
		cmocka_unit_test(test_default_file_parses_and_script_embeds),
		cmocka_unit_test(test_s3_script_takes_only_names_it_can_quote),
		cmocka_unit_test(test_progress_follows_the_markers),
		cmocka_unit_test(test_file_read_bounds),
	};
	return cmocka_run_group_tests_name("setup", tests, NULL, NULL);
}
