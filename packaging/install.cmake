# What `cmake --install` puts where, and the Debian package made of it
# (`cmake --build build --target package`, CPack's DEB generator).
# Included from the top CMakeLists.txt.
include(GNUInstallDirs)

# Outside the prefix, where systemd and the administrator look: absolute,
# so that the package (prefix /usr) and `cmake --install` agree.
set(NC_SYSTEMD_UNIT_DIR /lib/systemd/system CACHE PATH "Where the systemd unit is installed")
set(NC_CONF_DIR /etc/netconverge CACHE PATH "Where the example configuration is installed")

# Only netconverge: netconverge-fault (NC_FAULT=ON, tests) is never
# installed, and the installed binary never reads NC_FAULT.
if(NC_FAULT)
  message(STATUS "NC_FAULT=ON: the apply code carries the crash-injection hooks (inert in the installed "
                  "netconverge, which never reads NC_FAULT); build releases and packages with -DNC_FAULT=OFF")
endif()
install(TARGETS netconverge RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
# The unit's ExecStart= is /usr/sbin/netconverge: the package's path. A
# hand install under another prefix changes it with a drop-in (README).
install(FILES packaging/systemd/netconverge.service DESTINATION ${NC_SYSTEMD_UNIT_DIR})
# Not netconverge.yaml: the unit starts only once that file exists, so
# installing the package changes no network by itself.
install(FILES packaging/netconverge.yaml.example DESTINATION ${NC_CONF_DIR})
install(FILES packaging/bash-completion/netconverge
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES packaging/debian/copyright README.md docs/file-format.md docs/plan.md docs/json.md docs/schema.md
              docs/netconverge.schema.json DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(GLOB NC_EXAMPLES CONFIGURE_DEPENDS examples/*.yaml)
install(FILES ${NC_EXAMPLES} DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The Ansible module and role (packaging/ansible/), where ansible-core looks
# without configuration (its default module path and roles_path hold
# /usr/share/ansible/...): a controller with the package installed needs no
# ANSIBLE_LIBRARY. Not executable: Ansible reads the module and ships it to
# the target, it is never run from here. The example playbook is a doc.
install(FILES packaging/ansible/library/netconverge.py
        DESTINATION ${CMAKE_INSTALL_DATADIR}/ansible/plugins/modules)
install(DIRECTORY packaging/ansible/roles/netconverge DESTINATION ${CMAKE_INSTALL_DATADIR}/ansible/roles)
install(FILES packaging/ansible/site.yml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/ansible)
# Its "#!/usr/bin/python" is Ansible's marker (the file says why).
install(FILES packaging/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME netconverge)

# Compressed as Debian policy wants (-9; -n: no name or time stamp inside,
# so the same source gives the same bytes).
function(nc_gzip source output)
  add_custom_command(OUTPUT ${output}
                     COMMAND gzip -9n -c ${source} > ${output}
                     DEPENDS ${source}
                     VERBATIM)
endfunction()

nc_gzip(${PROJECT_SOURCE_DIR}/packaging/debian/changelog ${CMAKE_BINARY_DIR}/changelog.gz)
add_custom_target(nc_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Manual pages: scdoc sources in docs/man/NAME.SECTION.scd.
find_program(SCDOC scdoc)
if(SCDOC)
  set(NC_SCDOC_FOUND ON)
else()
  set(NC_SCDOC_FOUND OFF)
endif()
nc_optional(NC_MANPAGES NC_SCDOC_FOUND "the manual pages" "scdoc (scripts/install-deps.sh package installs it)")
if(NC_MANPAGES_ENABLED)
  set(pages)
  foreach(page netconverge.8 netconverge.yaml.5)
    string(REGEX REPLACE ".*\\." "" section ${page})
    set(src ${PROJECT_SOURCE_DIR}/docs/man/${page}.scd)
    # build/man is a manual tree: MANPATH=build/man man netconverge.
    set(out ${CMAKE_BINARY_DIR}/man/man${section}/${page})
    add_custom_command(OUTPUT ${out}
                       COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man/man${section}
                       COMMAND ${SCDOC} < ${src} > ${out}
                       DEPENDS ${src}
                       VERBATIM)
    nc_gzip(${out} ${out}.gz)
    install(FILES ${out}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
    list(APPEND pages ${out}.gz)
  endforeach()
  add_custom_target(man ALL DEPENDS ${pages})
endif()

# The Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netconverge)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# netconverge_<version>_<arch>.deb, dpkg's own naming.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "netconverge maintainers <maintainers@users.noreply.r-seed-c3723d6b.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "declarative container networking: bridges, veths, NAT from one file")
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
       "netconverge makes a host's container networking match a YAML file: Linux\n"
       "bridges, veth pairs into network namespaces, addresses, routes and an\n"
       "nftables table for masquerade, published ports and isolation. It observes\n"
       "the kernel over netlink, prints a deterministic plan, applies it and\n"
       "verifies the result. `netconverge watch` (a systemd service) keeps the\n"
       "host converged when the file changes or something drifts.")
# Depends from the libraries the binary links (dpkg-shlibdeps, dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# Every file under /etc is a conffile: an edited one survives upgrades.
file(WRITE ${CMAKE_BINARY_DIR}/debian/conffiles "${NC_CONF_DIR}/netconverge.yaml.example\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/debian/conffiles)
# Read by cpack when it runs: a package without its manual pages is refused.
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_BINARY_DIR}/debian/cpack-check.cmake)
if(NC_MANPAGES_ENABLED)
  file(WRITE ${CPACK_PROJECT_CONFIG_FILE} "")
else()
  file(WRITE ${CPACK_PROJECT_CONFIG_FILE}
       "message(FATAL_ERROR \"the package needs the manual pages: install scdoc \"\n"
       "                    \"(scripts/install-deps.sh package) and run cmake again\")\n")
endif()
include(CPack)
