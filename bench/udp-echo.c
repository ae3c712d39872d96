/*
 * A UDP server that does no work at all, for bench/ipmi.sh: each datagram goes straight back to its
 * sender from a loop blocked in recvfrom, in C with nothing else in the process. The bench's
 * console reads an echoed request as a good answer (LeanSession.Open's echo mode) and so does all
 * its usual work; what it reaches against this is the most a server answering from one thread could
 * reach with it on the machine: the rest is the kernel's send, receive and wake-up work and the
 * console's own. A server taking datagrams on two threads can pass it.
 *   udp-echo PORT     (binds 127.0.0.1:PORT, prints "listening" once bound)
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: udp-echo PORT\n");
        return 2;
    }

    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (s < 0 || bind(s, (struct sockaddr *)&local, sizeof local) != 0) {
        perror("udp-echo");
        return 1;
    }

    printf("listening on 127.0.0.1:%s\n", argv[1]);
    fflush(stdout);
    char buffer[2048];
    for (;;) {
        struct sockaddr_in from;
        socklen_t fromLength = sizeof from;
        ssize_t n = recvfrom(s, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &fromLength);
        if (n >= 0)
            sendto(s, buffer, (size_t)n, 0, (struct sockaddr *)&from, fromLength);
    }
}
