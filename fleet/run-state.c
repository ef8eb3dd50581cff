/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * phonefleet run --state DIR: the phones' flash (spec 2.3) kept in files
 * between runs, one DIR/<MAC>.flash per phone (12 upper-case hex digits),
 * in the format emu/flash.c writes (docs/state.md).  Before power-on a
 * phone loads its file if there is one; a damaged file is one line on
 * stderr and the phone starts from its factory state.  At the end of the
 * run every phone is saved crash-safely: each image is written to
 * DIR/.<MAC>.flash.tmp, all of them are made durable (syncfs: one call for
 * the whole fleet, where an fsync per file costs a journal commit each),
 * then each takes its file's name atomically and the directory is
 * fsynced.  A crash leaves every file whole, old or new.  The name is
 * taken by exchange (renameat2 RENAME_EXCHANGE), so the replaced image
 * stays as the next save's temporary file and is written over in place:
 * deleting 10,000 files, which a rename over them does, costs far more
 * than writing them (docs/state.md has the figures).  A failure to write
 * removes every temporary file and replaces no state file: the previous
 * state stays as it was.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet.h"

#define RUN_STATE_SUFFIX	".flash"
#define RUN_STATE_PROBE		".phonefleet-probe.tmp"
#define RUN_STATE_NAME_MAX	32	/* ".<MAC>.flash.tmp" and its NUL */

static int	run_state_mkdirs(const char *, char **);
static int	run_state_write(int, const uint8_t *, size_t);
static int	run_state_swap(int, const char *, const char *);
static void	run_state_name(const struct phone *, int, char *, size_t);
static void	run_state_unlink(int, const struct sim *, size_t);

/*
 * Make dir and its missing parents (mkdir -p) and check that a file can be
 * made in it, so that a run does not end unable to save.  0, or -1 with
 * *cause naming the directory and the reason.
 */
int
run_state_prepare(const char *dir, char **cause)
{
	int	fd, dfd;

	if (*dir == '\0') {
		*cause = xstrdup("an empty directory name");
		return (-1);
	}
	if (run_state_mkdirs(dir, cause) != 0)
		return (-1);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	fd = openat(dfd, RUN_STATE_PROBE, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0666);
	if (fd == -1) {
		xasprintf(cause, "%s: cannot create a file in it: %s", dir,
		    strerror(errno));
		close(dfd);
		return (-1);
	}
	close(fd);
	unlinkat(dfd, RUN_STATE_PROBE, 0);
	close(dfd);
	return (0);
}

/*
 * Load dir/<MAC>.flash into p (not yet powered on).  Returns 1 loaded, 0
 * no such file, -1 unreadable or damaged: *cause is one line naming the
 * file and p is in its factory state.  On 1, *skipped counts what this
 * version could not take (parameters it does not know) and *cause, if not
 * NULL, says what.
 */
int
run_state_load(const char *dir, struct phone *p, unsigned *skipped,
    char **cause)
{
	struct stat	 sb;
	char		 name[RUN_STATE_NAME_MAX], *path, *why = NULL;
	uint8_t		*buf = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, rc;

	*skipped = 0;
	*cause = NULL;
	run_state_name(p, 0, name, sizeof name);
	xasprintf(&path, "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT) {
			free(path);
			return (0);
		}
		why = xstrdup(strerror(errno));
		goto bad;
	}
	if (fstat(fd, &sb) == -1) {
		why = xstrdup(strerror(errno));
		goto bad;
	}
	if (!S_ISREG(sb.st_mode)) {
		why = xstrdup("not a regular file");
		goto bad;
	}
	if (sb.st_size > FLASH_MAX_LEN) {
		xasprintf(&why, "over %u bytes", FLASH_MAX_LEN);
		goto bad;
	}
	buf = xmalloc(sb.st_size == 0 ? 1 : (size_t)sb.st_size);
	while (len < (size_t)sb.st_size) {
		n = read(fd, buf + len, sb.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			why = xstrdup(strerror(errno));
			goto bad;
		}
		if (n == 0)
			break;	/* shrank meanwhile: the parser says so */
		len += n;
	}
	close(fd);
	fd = -1;
	rc = flash_load(p, buf, len, &why);
	free(buf);
	buf = NULL;
	if (rc < 0)
		goto bad;
	*skipped = rc;
	if (why != NULL) {
		xasprintf(cause, "%s: %s", path, why);
		free(why);
	}
	free(path);
	return (1);
bad:
	if (fd != -1)
		close(fd);
	free(buf);
	xasprintf(cause, "%s: %s; phone %s starts from its factory state",
	    path, why, phone_mac_str(p));
	free(why);
	free(path);
	return (-1);
}

/*
 * Save the flash of every phone of s in dir.  0, or -1 with *cause (one
 * line naming the file and the reason) and no temporary file left; no
 * state file has been replaced unless a rename failed, and even then each
 * is whole, old or new.
 */
int
run_state_save(const char *dir, const struct sim *s, char **cause)
{
	struct dbuf	 img;
	struct phone	*p;
	char		 tmp[RUN_STATE_NAME_MAX], name[RUN_STATE_NAME_MAX];
	size_t		 i, n = sim_phone_count(s);
	int		 dfd, fd, err, rc = -1;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	dbuf_init(&img);
	for (i = 0; i < n; i++) {
		p = sim_phone(s, i);
		run_state_name(p, 1, tmp, sizeof tmp);
		dbuf_reset(&img);
		flash_save(p, &img);
		/* Over the last image but one, in its blocks: see above. */
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		err = 0;
		if (fd == -1)
			err = errno;
		else {
			if (run_state_write(fd, img.data, img.len) != 0 ||
			    ftruncate(fd, img.len) != 0)
				err = errno;
			if (close(fd) != 0 && err == 0)
				err = errno;
		}
		if (err != 0) {
			run_state_name(p, 0, name, sizeof name);
			xasprintf(cause, "%s/%s: cannot save: %s", dir, name,
			    strerror(err));
			run_state_unlink(dfd, s, n);
			goto out;
		}
	}
	/* Every image durable before any rename. */
	if (syncfs(dfd) != 0) {
		xasprintf(cause, "%s: cannot save: sync: %s", dir,
		    strerror(errno));
		run_state_unlink(dfd, s, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		p = sim_phone(s, i);
		run_state_name(p, 1, tmp, sizeof tmp);
		run_state_name(p, 0, name, sizeof name);
		if (run_state_swap(dfd, tmp, name) != 0) {
			xasprintf(cause, "%s/%s: cannot save: rename: %s", dir,
			    name, strerror(errno));
			run_state_unlink(dfd, s, n);
			goto out;
		}
	}
	if (fsync(dfd) != 0) {
		xasprintf(cause, "%s: cannot save: fsync: %s", dir,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	dbuf_clear(&img);
	close(dfd);
	return (rc);
}

/* mkdir -p: each missing component, 0777 less the umask. */
static int
run_state_mkdirs(const char *dir, char **cause)
{
	struct stat	 sb;
	char		*copy = xstrdup(dir), *s;
	int		 last;

	for (s = copy + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		last = *s == '\0';
		*s = '\0';
		if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
			xasprintf(cause, "%s: %s", copy, strerror(errno));
			free(copy);
			return (-1);
		}
		if (last)
			break;
		*s = '/';
	}
	free(copy);
	if (stat(dir, &sb) != 0) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: %s", dir, strerror(ENOTDIR));
		return (-1);
	}
	return (0);
}

/*
 * The new image takes the file's name, atomically; the file it replaces
 * takes the temporary name rather than being deleted (freeing its blocks
 * is what costs most on many file systems) and is written over next time.
 * Where exchange is not supported, a plain rename.
 */
static int
run_state_swap(int dfd, const char *tmp, const char *name)
{
	if (renameat2(dfd, tmp, dfd, name, RENAME_EXCHANGE) == 0)
		return (0);
	if (errno != ENOENT && errno != EINVAL && errno != ENOSYS &&
	    errno != EOPNOTSUPP)
		return (-1);
	return (renameat(dfd, tmp, dfd, name));
}

/* All of buf from offset 0, or -1 with errno. */
static int
run_state_write(int fd, const uint8_t *buf, size_t len)
{
	off_t	off = 0;
	ssize_t	n;

	while (len > 0) {
		n = pwrite(fd, buf, len, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		if (n == 0) {
			errno = EIO;
			return (-1);
		}
		buf += n;
		len -= n;
		off += n;
	}
	return (0);
}

/* "<MAC>.flash", or ".<MAC>.flash.tmp" for the temporary file. */
static void
run_state_name(const struct phone *p, int tmp, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", tmp ? "." : "", phone_mac_str(p),
	    RUN_STATE_SUFFIX, tmp ? ".tmp" : "");
}

/* After a failure: no temporary file of the first n phones is left. */
static void
run_state_unlink(int dfd, const struct sim *s, size_t n)
{
	char	tmp[RUN_STATE_NAME_MAX];
	size_t	i;

	for (i = 0; i < n; i++) {
		run_state_name(sim_phone(s, i), 1, tmp, sizeof tmp);
		unlinkat(dfd, tmp, 0);
	}
}
