# Build stage: the README's build command; the tests run in CI (.ci/run), not here.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -B -q package -DskipTests

# Runtime stage: a JRE, the one jar, a non-root user.
FROM eclipse-temurin:17-jre
# The data directory must exist, owned by the server's user, before VOLUME: Docker fills a new
# volume from it, and would otherwise create it owned by root, where the server cannot write.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 newspush \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/newspush --create-home newspush \
 && install -d -o 10001 -g 10001 /var/lib/newspush/data
COPY --from=build /src/target/newspush.jar /opt/newspush/newspush.jar
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
WORKDIR /var/lib/newspush
# Without NEWSPUSH_DB_URL the container runs an embedded PostgreSQL in this directory
# (mount a volume here to keep it); set NEWSPUSH_DB_URL=postgresql://user:pass@host:5432/db
# to use an external server instead.
ENV NEWSPUSH_DATA_DIR=/var/lib/newspush/data
VOLUME ["/var/lib/newspush/data"]
EXPOSE 8080
# Shell form, so a port changed with NEWSPUSH_HTTP_PORT is probed too.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${NEWSPUSH_HTTP_PORT:-8080}/health/ready" || exit 1
STOPSIGNAL SIGTERM
# Exec form: java is PID 1 and receives SIGTERM itself (clean shutdown, exit code 0).
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-XX:CompileThresholdScaling=0.1", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/newspush/newspush.jar"]
