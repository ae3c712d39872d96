#!/usr/bin/env bash
# Trims the BMC firmware root (the directory given) down to what a read-only BMC runs: called by
# customize.sh once the kernel, initramfs and package list are made. firmware/README.md lists what
# each step takes off the image.
set -euo pipefail
ROOT=$1

# Trim: what only installing, building an initramfs or a person reading docs needs.
rm -rf "$ROOT"/usr/share/{doc,man,info,locale,lintian,linda,bug,initramfs-tools,tiny-initramfs,bash-completion,zsh,common-licenses} \
  "$ROOT"/etc/initramfs-tools "$ROOT"/etc/tiny-initramfs "$ROOT"/usr/sbin/{mktirfs,update-tirfs} "$ROOT"/usr/lib/*/tiny-initramfs \
  "$ROOT"/usr/lib/*/gconv "$ROOT"/usr/share/i18n "$ROOT"/usr/bin/localedef \
  "$ROOT"/var/lib/dpkg "$ROOT"/var/lib/apt "$ROOT"/var/cache/* "$ROOT"/var/log/* "$ROOT"/usr/bin/dpkg* "$ROOT"/usr/share/dpkg \
  "$ROOT"/usr/share/debconf "$ROOT"/var/cache/debconf \
  "$ROOT"/usr/share/zoneinfo/{posix,right}
[[ ! -d $ROOT/usr/share/zoneinfo ]] || find "$ROOT/usr/share/zoneinfo" -mindepth 1 -maxdepth 1 ! -name UTC ! -name Etc ! -name zone.tab ! -name iso3166.tab -exec rm -rf {} +

# Perl: only the kernel package's install scripts use it (linux-base), and the Berkeley and GNU dbm
# libraries only Perl and pam_userdb (no PAM stack here names it) link.
rm -rf "$ROOT"/usr/bin/perl* "$ROOT"/usr/lib/*/perl-base "$ROOT"/usr/share/perl5 "$ROOT"/usr/lib/*/perl5 "$ROOT"/usr/lib/*/perl "$ROOT"/usr/share/perl \
  "$ROOT"/usr/lib/*/libperl.so* "$ROOT"/usr/lib/*/libdb-5.3.so "$ROOT"/usr/lib/*/libgdbm*.so* "$ROOT"/usr/lib/*/security/pam_userdb.so

# The udev hardware database: vendor and model names for USB and PCI IDs, which nothing on the BMC
# matches on (its devices are named by the board file); its sources and the compiled database.
rm -rf "$ROOT"/usr/lib/udev/hwdb.d "$ROOT"/usr/lib/udev/hwdb.bin "$ROOT"/etc/udev/hwdb.bin "$ROOT"/usr/bin/systemd-hwdb \
  "$ROOT"/usr/lib/systemd/system/systemd-hwdb-update.service "$ROOT"/usr/lib/systemd/system/*/systemd-hwdb-update.service

# Disk encryption, integrity and verity (systemd's cryptsetup tools, libcryptsetup, device-mapper and
# the PKCS#11 stack they load): the BMC's flash holds no encrypted or dm volume.
rm -rf "$ROOT"/usr/lib/systemd/systemd-{cryptsetup,veritysetup,integritysetup} "$ROOT"/usr/bin/systemd-cryptenroll \
  "$ROOT"/usr/lib/systemd/system-generators/systemd-{cryptsetup,veritysetup,integritysetup}-generator \
  "$ROOT"/usr/lib/*/cryptsetup "$ROOT"/usr/lib/*/libcryptsetup.so* "$ROOT"/usr/lib/*/libdevmapper.so* "$ROOT"/usr/sbin/dmsetup \
  "$ROOT"/usr/lib/*/libp11-kit.so* "$ROOT"/usr/lib/*/libjson-c.so* "$ROOT"/usr/lib/*/libargon2.so*

# Tools for installing and administering a general system, which a read-only root never runs: account
# editing (and the SELinux policy libraries only it links), partitioning, terminfo compilers, the
# OpenSSL command line (the BMC links libssl itself), the C++ GPIO binding (the BMC binds libgpiod's C API).
rm -rf "$ROOT"/usr/sbin/{useradd,usermod,userdel,groupadd,groupmod,groupdel,newusers,chpasswd,chgpasswd,mkfs.minix,fsck.minix,mkswap,zramctl} \
  "$ROOT"/usr/lib/*/libsemanage.so* "$ROOT"/usr/lib/*/libsepol.so* \
  "$ROOT"/usr/bin/systemd-repart "$ROOT"/usr/lib/*/libfdisk.so* \
  "$ROOT"/usr/bin/{tic,toe,infocmp,tset,reset,ptx,cpio} "$ROOT"/usr/lib/*/libtic.so* \
  "$ROOT"/usr/bin/openssl "$ROOT"/usr/lib/ssl/misc \
  "$ROOT"/usr/lib/*/libgpiodcxx.so* "$ROOT"/usr/lib/*/libstdc++.so*

# Scripts whose interpreter went with Perl (debconf, linux-base, the Perl tools themselves).
find "$ROOT"/usr/bin "$ROOT"/usr/sbin -maxdepth 1 -type f -print0 | while IFS= read -r -d '' f; do
  if head -n1 "$f" | grep -qa '^#! *\(/usr\)\?/bin/perl'; then rm -f "$f"; fi
done
rm -rf "$ROOT"/usr/share/perl5 "$ROOT"/usr/lib/*/perl5

# What only installing packages, kernels, users or certificates runs: a read-only root never does.
rm -rf "$ROOT"/usr/bin/{update-alternatives,kernel-install,tzselect} "$ROOT"/usr/sbin/{installkernel,update-rc.d,invoke-rc.d,dpkg-*,pam-auth-update,update-ca-certificates,update-passwd,update-shells,add-shell,remove-shell,iconvconfig,zic,ldconfig,cppw,cpgr,vipw,vigr,grpconv,grpunconv,pwconv,pwunconv,shadowconfig} \
  "$ROOT"/usr/lib/systemd/system/ldconfig.service "$ROOT"/usr/lib/systemd/system/*/ldconfig.service \
  "$ROOT"/usr/lib/kernel "$ROOT"/etc/kernel \
  "$ROOT"/boot/config-* "$ROOT"/boot/System.map-*

# Archivers, comparison tools and filesystem tools for media the flash does not hold (swap, cramfs,
# bfs, zoned and discard devices); libmvec, which no program here links.
rm -rf "$ROOT"/usr/bin/{tar,ptar,ptardiff,ptargrep,diff,diff3,sdiff,cmp,zcmp,zdiff,gzexe,znew,zforce,zipdetails} \
  "$ROOT"/usr/sbin/{rmt,rmt-tar,tarcat,mkfs,mkfs.bfs,mkfs.cramfs,fsck.cramfs,swapon,swapoff,swaplabel,wipefs,blkdiscard,blkzone,fsfreeze,chcpu,chmem,readprofile,ldattach} \
  "$ROOT"/usr/bin/{lsfd,lslogins,lsipc,lsirq,lsmem,partx,addpart,delpart,resizepart,fincore,fallocate,scriptlive,scriptreplay} \
  "$ROOT"/usr/lib/*/libmvec.so*

# Nothing left may need what went: every program and library finds the libraries it links.
missing=$(find "$ROOT"/usr -type f \( -name '*.so*' -o -perm -u+x \) -print0 | xargs -0 -r file -N -F ' ' | awk '/ ELF / { print $1 }' \
  | while read -r elf; do
      readelf -d "$elf" 2>/dev/null | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | while read -r lib; do
        compgen -G "$ROOT/usr/lib/*/$lib" >/dev/null || compgen -G "$ROOT/usr/lib/$lib" >/dev/null || compgen -G "$ROOT/usr/lib/*/systemd/$lib" >/dev/null \
          || compgen -G "$ROOT/usr/lib64/$lib" >/dev/null || echo "${elf#"$ROOT"} needs $lib"
      done
    done)
if [[ -n $missing ]]; then echo "customize: the trimmed root lacks libraries:" >&2; echo "$missing" >&2; exit 1; fi
