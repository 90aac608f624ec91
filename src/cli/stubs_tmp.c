/* Temporary: commands not written yet. */
#include <stdio.h>
#include "cli/cli.h"
int cmd_fit(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int cmd_predict(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int cmd_convert(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int cmd_synth(int argc, char **argv) { (void)argc; (void)argv; return 1; }
