"""Developer tools that are not part of the package: the fuzz corpus and plain-numpy objectives."""
