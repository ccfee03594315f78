OBJ_test_link_nl := $(B)/netns/link_msg.o $(B)/netns/link.o $(B)/netns/sysctl.o \
	$(B)/netns/userns.o
WRAP_test_link_nl := -Wl,--wrap=userns_entered,--wrap=mnl_socket_open2 \
	-Wl,--wrap=mnl_socket_setsockopt,--wrap=mnl_socket_bind \
	-Wl,--wrap=mnl_socket_get_portid,--wrap=mnl_socket_sendto \
	-Wl,--wrap=mnl_socket_recvfrom,--wrap=mnl_socket_close
