#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "nixl-tui: no command yet\n");
	return 2;
}
