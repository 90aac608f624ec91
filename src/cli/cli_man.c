/* Manual pages in roff (man(7)), rendered from the same option tables as --help. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

/* Writes text with roff's special characters escaped: a backslash, a hyphen (so that man
 * does not break or fold it), and a '.' or '\'' at the start of a line (a request). */
static void put_escaped(FILE *out, const char *text, size_t len, int at_line_start)
{
    for (size_t i = 0; i < len; i++) {
        const char c = text[i];
        if (at_line_start && (c == '.' || c == '\'')) fputs("\\&", out);
        at_line_start = c == '\n';
        if (c == '\\')
            fputs("\\e", out);
        else if (c == '-')
            fputs("\\-", out);
        else
            fputc(c, out);
    }
}

static void put_text(FILE *out, const char *text)
{
    put_escaped(out, text, strlen(text), 1);
}

/* The page's title line; man pages name themselves in upper case (CHORUS-FIT). */
static void put_title(FILE *out, const char *cmd)
{
    fputs(".TH \"CHORUS", out);
    if (cmd) fputc('-', out);
    for (const char *c = cmd; c && *c; c++)
        fputc(toupper((unsigned char)*c), out);
    fprintf(out, "\" 1 \"\" \"chorus %s\" \"User Commands\"\n", chorus_version());
}

/* A block of text as --help prints it (its own line breaks and columns), not refilled. */
static void put_preformatted(FILE *out, const char *text)
{
    fputs(".nf\n", out);
    put_text(out, text);
    if (*text && text[strlen(text) - 1] != '\n') fputc('\n', out);
    fputs(".fi\n", out);
}

static void put_option(FILE *out, const cli_option *o)
{
    fputs(".TP\n", out);
    if (o->short_name) fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", out);
    put_escaped(out, o->name, strlen(o->name), 0);
    fputs("\\fR", out);
    if (o->arg_name) {
        fputs(" \\fI", out);
        put_escaped(out, o->arg_name, strlen(o->arg_name), 0);
        fputs("\\fR", out);
    }
    fputc('\n', out);
    put_text(out, o->help);
    fputc('\n', out);
}

void cli_print_man(FILE *out, const cli_command *cmd, const char *name_line)
{
    put_title(out, cmd->name);
    fprintf(out, ".SH NAME\nchorus\\-");
    put_escaped(out, cmd->name, strlen(cmd->name), 0);
    fputs(" \\- ", out);
    put_escaped(out, name_line, strlen(name_line), 0);
    fprintf(out, "\n.SH SYNOPSIS\n.nf\n\\fBchorus %s\\fR ", cmd->name);
    put_escaped(out, cmd->usage, strlen(cmd->usage), 0);
    fputs("\n.fi\n.SH DESCRIPTION\n", out);
    put_preformatted(out, cmd->summary);
    fputs(".SH OPTIONS\n", out);
    for (const cli_option *o = cmd->options; o && o->name; o++)
        put_option(out, o);
    fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow this help\n", out);
    if (cmd->details) {
        fputs(".SH NOTES\n", out);
        put_preformatted(out, cmd->details);
    }
    fputs(".SH EXIT STATUS\n0 on success, 1 on a runtime failure (e.g. an output cannot be "
          "written), 2 on a usage or input error.\n",
          out);
    fputs(".SH SEE ALSO\n\\fBchorus\\fR(1); README.md and docs/ under share/doc/chorus\n", out);
}

void cli_print_man_index(FILE *out, const char *const *names, const char *const *summaries, int n)
{
    put_title(out, NULL);
    fputs(".SH NAME\nchorus \\- turn the votes of labeling functions into probabilistic "
          "labels\n"
          ".SH SYNOPSIS\n.nf\n\\fBchorus\\fR \\fICOMMAND\\fR [\\fIoptions\\fR]\n"
          "\\fBchorus help\\fR [\\fICOMMAND\\fR]\n\\fBchorus version\\fR\n.fi\n"
          ".SH DESCRIPTION\n"
          "chorus applies labeling functions to data into a sparse vote matrix, fits a label "
          "model that learns without gold labels how far to trust each source, and writes one "
          "probability per class and item. \\fBchorus\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR "
          "describes a command; each has its own page, \\fBchorus\\-\\fR\\fICOMMAND\\fR(1).\n"
          ".SH COMMANDS\n",
          out);
    for (int i = 0; i < n; i++) {
        fputs(".TP\n\\fB", out);
        put_escaped(out, names[i], strlen(names[i]), 0);
        fputs("\\fR\n", out);
        put_text(out, summaries[i]);
        fputc('\n', out);
    }
    fputs(".SH EXIT STATUS\n0 on success, 1 on a runtime failure (e.g. an output cannot be "
          "written), 2 on a usage or input error.\n"
          ".SH SEE ALSO\n",
          out);
    for (int i = 0; i < n; i++) {
        fputs("\\fBchorus\\-", out);
        put_escaped(out, names[i], strlen(names[i]), 0);
        fprintf(out, "\\fR(1)%s\n", i + 1 < n ? "," : "");
    }
    fputs(".PP\nREADME.md and docs/ under share/doc/chorus; the example labeling-function sets "
          "under share/chorus/labeling_functions.\n",
          out);
}
