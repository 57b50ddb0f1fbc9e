/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sim - the commands of sluice-sim, shared by its main files
 * DESCRIPTION
 *	sim_main.c holds main() and the replay command, epi_main.c the
 *	epidemic command.
 */
#ifndef SLUICE_SIM_H
#define SLUICE_SIM_H

#define SIM_EXIT_USAGE 2

/* epi_main - sluice-sim epidemic ARGS; returns the exit status */
int epi_main(int argc, char **argv);
/* sim_number - a number min..max from an option, or exit 2 naming it */
double sim_number(const char *opt, const char *s, double min, double max);

#endif
