# mk/pkgs.mk - the pkg-config names of the libraries the product links,
# included by the top Makefile, fuzz/Makefile and bench/Makefile so the
# three never disagree. The Debian packages are in packages.txt.
PKGS := libmicrohttpd sqlite3 libpq friso libcmark jansson libsodium libzip pangocairo xlsxwriter liboath poppler-glib libcurl
