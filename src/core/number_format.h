#ifndef CHORUS_NUMBER_FORMAT_H
#define CHORUS_NUMBER_FORMAT_H

/* Writes the shortest "%.{15,16,17}g" form of x that reads back as the same double. */
int chorus_format_double(char *buf, int size, double x);

#endif
