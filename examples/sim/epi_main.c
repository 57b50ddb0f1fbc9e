/*
 * NAME
 *	epi_main - sluice-sim epidemic (placeholder until the simulator lands)
 */
#include <stdio.h>
#include "sim.h"

/* epi_main - sluice-sim epidemic ARGS */
int epi_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "sluice-sim: epidemic: not built yet\n");
	return 1;
}
