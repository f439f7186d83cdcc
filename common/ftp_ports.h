/* ftp_ports: the well-known FTP ports, for ftpc and trustd probe alike. */
#ifndef COMMON_FTP_PORTS_H
#define COMMON_FTP_PORTS_H

#define FTP_PORT 21            /* clear FTP and explicit FTPS (AUTH TLS) */
#define FTPS_IMPLICIT_PORT 990 /* implicit FTPS: TLS from the first byte */

/* The port to reach when none is given. */
static inline unsigned ftp_default_port(int implicit)
{
    return implicit ? FTPS_IMPLICIT_PORT : FTP_PORT;
}

#endif
