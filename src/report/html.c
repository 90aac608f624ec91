/* Writing HTML and SVG: escaping, numbers, colours and the axes the plots share. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "report/report_internal.h"

void html_text(FILE *out, const char *text)
{
    for (const char *p = text ? text : ""; *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*p, out);
        }
    }
}

void html_text_cut(FILE *out, const char *text, int max_chars)
{
    const char *p = text ? text : "";
    int chars = 0;
    const char *end = p;
    /* Count characters by their lead bytes, so a cut never splits a UTF-8 sequence. */
    while (*end) {
        if (((unsigned char)*end & 0xC0) != 0x80) {
            if (chars == max_chars) break;
            chars++;
        }
        end++;
    }
    for (const char *q = p; q < end; q++) {
        char one[2] = {*q, '\0'};
        html_text(out, one);
    }
    if (*end) fputs("\xE2\x80\xA6", out);
}

void html_printf(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
}

void html_number(FILE *out, double x, int digits)
{
    if (isnan(x))
        fputs("\xE2\x80\x93", out);
    else
        fprintf(out, "%.*f", digits, x);
}

void html_note(FILE *out, const char *text)
{
    fputs("<p class=\"note\">", out);
    html_text(out, text);
    fputs("</p>\n", out);
}

/* Viridis at nine evenly spaced points; between them the colour is interpolated. */
static const unsigned char VIRIDIS[9][3] = {
    {68, 1, 84},    {71, 44, 122}, {59, 81, 139},  {44, 113, 142}, {33, 144, 141},
    {39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37},
};

void color_viridis(char out[8], double t)
{
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    double pos = t * 8;
    int i = (int)pos;
    if (i > 7) i = 7;
    double f = pos - i;
    int rgb[3];
    for (int c = 0; c < 3; c++)
        rgb[c] = (int)lround(VIRIDIS[i][c] + f * (VIRIDIS[i + 1][c] - VIRIDIS[i][c]));
    snprintf(out, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

void svg_open(FILE *out, int width, int height, const char *label)
{
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
            width, height, width, height);
    html_text(out, label);
    fputs("\">\n", out);
}

void svg_close(FILE *out)
{
    fputs("</svg>\n", out);
}

double svg_x(const svg_frame *f, double v)
{
    return f->x0 + v * (f->x1 - f->x0);
}

double svg_y(const svg_frame *f, double v)
{
    return f->y1 - v * (f->y1 - f->y0);
}

void svg_unit_axes(FILE *out, const svg_frame *f, const char *x_title, const char *y_title)
{
    fprintf(out, "<g class=\"axes\">\n");
    for (int t = 0; t <= 5; t++) {
        double v = t / 5.0, x = svg_x(f, v), y = svg_y(f, v);
        fprintf(out,
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                x, f->y0, x, f->y1, f->x0, y, f->x1, y);
        fprintf(out,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
                x, f->y1 + 16, v, f->x0 - 6, y + 4, v);
    }
    fprintf(out, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
            f->x0, f->y0, f->x1 - f->x0, f->y1 - f->y0);
    fprintf(out, "<text class=\"title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            (f->x0 + f->x1) / 2, f->y1 + 36);
    html_text(out, x_title);
    fprintf(out,
            "</text>\n<text class=\"title\" text-anchor=\"middle\" "
            "transform=\"translate(%.1f %.1f) rotate(-90)\">",
            f->x0 - 40, (f->y0 + f->y1) / 2);
    html_text(out, y_title);
    fputs("</text>\n</g>\n", out);
}
