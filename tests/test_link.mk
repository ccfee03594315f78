OBJ_test_link := build/netns/link_msg.o build/netns/link.o build/netns/sysctl.o \
	build/netns/sandbox.o build/netns/tun.o \
	build/netns/fsview.o build/netns/lockdown.o
