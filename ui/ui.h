/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * ui/: the terminal (ncurses).  It draws the emu/ LCD model (phone_lcd())
 * and the fleet's state, maps terminal keys to phone keys (enum emu_key)
 * and drives the world only through the runtime interface (netsim.h); it
 * holds no phone logic of its own.  Reference: docs/ui.md.
 */

#ifndef PF_UI_H
#define PF_UI_H

#include "../fleet/fleet.h"

/*
 * 0 when the terminal UI can run here: stdin and stdout are terminals and
 * TERM names a terminal ncurses knows.  Else -1 with *cause, one line
 * ("TERM is not set", "standard output is not a terminal", ...).
 */
int		 ui_can_run(char **cause);

/*
 * What the caller adds to the runtime the UI makes (the host carrier to a
 * scenario's real servers): attach() after the runtime is made, before
 * the terminal (NULL with *cause: the UI does not start; NULL without:
 * nothing to attach), detach() when the UI ends.
 */
struct ui_attach {
	void	*(*attach)(struct run *r, struct runtime *rt,
		    struct event_base *base, char **cause);
	void	 (*detach)(void *carrier);
};

/*
 * `phonefleet phone`: the phone at index i of r's world in real time at
 * speed (> 0) on the realtime runtime, until the user quits; the world
 * runs past run_end() (a phone on a desk has no end).  Returns 0, or 2
 * with *cause (one line) if the terminal failed.  The terminal is
 * restored on every way out (q, Ctrl-C, SIGTERM, SIGHUP, an error).
 */
int		 ui_phone(struct run *r, size_t i, double speed,
		     const struct ui_attach *at, char **cause);

/*
 * `phonefleet run FILE --ui`: the fleet dashboard over r, played to
 * run_end() at speed (0: as fast as possible); Enter opens a phone's LCD,
 * Esc returns.  Returns 0 when the run reached its end (the user then
 * quits with q), 1 when the user quit before, 2 with *cause.
 */
int		 ui_fleet(struct run *r, double speed,
		     const struct ui_attach *at, char **cause);

#endif /* PF_UI_H */
