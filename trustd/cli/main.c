/* trustd: the trust store administration command. */
#include "trustd/cli/cli.h"

int main(int argc, char **argv)
{
    return trustd_main(argc, argv);
}
