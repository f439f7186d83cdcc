/*
 * pasv: parsers for the server's passive-mode answers. Pure functions over
 * the reply text, unit-tested and fuzzed. The PASV address is returned but
 * callers must not connect to it: the data connection goes to the control
 * connection's peer (a hostile server could point us anywhere).
 */
#ifndef FTPC_PARSE_PASV_H
#define FTPC_PARSE_PASV_H

/* "229 Entering Extended Passive Mode (|||6446|)" (RFC 2428): any printable
 * delimiter, empty network fields, port 1..65535. 0 or -1. */
int ftp_parse_epsv(const char *text, unsigned *port);

/* "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)" (RFC 959): six numbers
 * 0..255, port 1..65535. 0 or -1. */
int ftp_parse_pasv(const char *text, unsigned char addr[4], unsigned *port);

#endif
