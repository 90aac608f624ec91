/* Placeholder: replaced by `chorus eval`. */
#include <stdio.h>
#include "cli/cli.h"

int cmd_eval(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "chorus eval: not implemented yet\n");
    return CLI_EXIT_FAILURE;
}
