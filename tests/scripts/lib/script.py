"""Builds a kiosk `--script` together with the checks of each `tree` it writes; the checks run
after the kiosk has exited. Standard library only."""

import os

from wpui import Tree


class Script:
    def __init__(self, tmp, name):
        self.tmp = tmp
        self.name = name
        self.lines = []
        self.checks = []  # (tree path, function(Tree), description)
        self.n = 0

    def add(self, *cmds):
        self.lines.extend(cmds)

    def tree(self, what, fn):
        """Writes a tree here; fn(tree) checks it after the run."""
        self.n += 1
        path = os.path.join(self.tmp, "%s-%03d.json" % (self.name, self.n))
        self.lines.append("tree " + path)
        self.checks.append((path, fn, what))

    def verify(self, ck):
        for path, fn, what in self.checks:
            if not ck.check(os.path.exists(path), "%s: %s: no tree file %s" % (self.name, what,
                                                                                path)):
                continue
            fn(Tree(path), "%s: %s" % (self.name, what))
