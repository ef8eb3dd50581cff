/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * What Debian 12's glibc 2.36 lacks and phonefleet needs: the *_FOREACH_SAFE
 * queue macros, strlcpy and a bounded unsigned parser.  Included by every
 * layer through proto/proto.h.
 */

#ifndef PF_COMPAT_H
#define PF_COMPAT_H

#include <sys/queue.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST((head));				\
	    (var) && ((tvar) = TAILQ_NEXT((var), field), 1);		\
	    (var) = (tvar))
#endif
#ifndef LIST_FOREACH_SAFE
#define LIST_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = LIST_FIRST((head));				\
	    (var) && ((tvar) = LIST_NEXT((var), field), 1);		\
	    (var) = (tvar))
#endif
#ifndef STAILQ_FOREACH_SAFE
#define STAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = STAILQ_FIRST((head));				\
	    (var) && ((tvar) = STAILQ_NEXT((var), field), 1);		\
	    (var) = (tvar))
#endif

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/* compat.c */
size_t	 pf_strlcpy(char *dst, const char *src, size_t size);
int	 parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v,
	     char **cause);
int	 pf_strcasecmp_ascii(const char *a, const char *b);
char	*pf_escape(const char *s, size_t len);

/* xmalloc.c */
void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
int	 xasprintf(char **ret, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **ret, const char *fmt, va_list ap)
	     __attribute__((format(printf, 2, 0)));

#endif /* PF_COMPAT_H */
