/*
 * The repository part of an image reference, by the grammar of the
 * distribution reference (what docker and the registries accept), normalised
 * the way docker does it: one grammar for every tool that names an image.
 *
 *   app, library/app, docker.io/app, index.docker.io/library/app
 *        -> docker.io/library/app
 *   acme/app           -> docker.io/acme/app
 *   GHCR.IO/acme/app   -> ghcr.io/acme/app (the host is case-insensitive)
 *   localhost:5000/app -> localhost:5000/app
 *
 * The first component is a registry host when it holds '.' or ':', is
 * "localhost", or has upper-case letters; the path components are
 * lowercase [a-z0-9]+ joined by '.', '_', '__' or runs of '-'.
 */
#ifndef IMAGEREF_H
#define IMAGEREF_H

#include <stddef.h>

#define IMAGEREF_NAME_MAX 255

/* The normalised "host/path" of repo[0, len) (no tag, no digest), malloc'ed; NULL when invalid. */
char *imageref_normalize(const char *repo, size_t len);
/* Whether path is a valid repository path (no host): "acme/app". */
int imageref_path_valid(const char *path, size_t len);
/* Whether repo[0, len) names its registry host itself (rather than docker.io by default). */
int imageref_has_host(const char *repo, size_t len);
/* The length of the host part of a normalised name (up to the first '/'). */
size_t imageref_host_len(const char *normalized);

#endif
