/*
 * limits: the sizes and waits of data transfers, in one place.
 */
#ifndef FTPC_CONN_LIMITS_H
#define FTPC_CONN_LIMITS_H

/* One read or write of a transfer; the session's buffer is twice this
 * (plus one) so LF -> CRLF growth of an ASCII upload fits. */
#define FTP_IO_SIZE (256 * 1024)

/* Clear uploads send 64 KiB per write: the server (the bottleneck there)
 * gets each piece sooner. 1 GiB to Pure-FTPd and vsftpd: 0.59 s and 0.64 s
 * against 0.63 s and 0.74 s with 256 KiB writes (medians of six to ten). */
#define CLEAR_UPLOAD_CHUNK (64 * 1024)

/* After an upload: how long to wait for the server's close_notify (or
 * EOF) so no RST cuts the file's tail. */
#define UPLOAD_CLOSE_WAIT_MS 10000

/* After a download (all data and the server's close_notify read): only
 * our close_notify goes back, without waiting for anything. */
#define DOWNLOAD_CLOSE_WAIT_MS 1

/* QUIT: how long close waits for the server's close_notify. */
#define QUIT_CLOSE_WAIT_MS 2000

/* The most a name listing (NLST, MLSD into a list) may hold. */
#define NAMES_MAX_BYTES (8u * 1024 * 1024)

#endif
