OBJ_test_link_nl := build/netns/link_msg.o build/netns/link.o build/netns/sysctl.o \
	build/netns/sandbox.o build/netns/tun.o \
	build/netns/fsview.o build/netns/lockdown.o
WRAP_test_link_nl := -Wl,--wrap=sandbox_is_entered,--wrap=mnl_socket_open2 \
	-Wl,--wrap=mnl_socket_setsockopt,--wrap=mnl_socket_bind \
	-Wl,--wrap=mnl_socket_get_portid,--wrap=mnl_socket_sendto \
	-Wl,--wrap=mnl_socket_recvfrom,--wrap=mnl_socket_close
