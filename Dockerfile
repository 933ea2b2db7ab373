# Build stage: the same Maven command as the README, tests left to CI.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -B -q package -DskipTests

# Runtime stage: a JRE, the one jar, a non-root user.
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/newspush --create-home newspush
COPY --from=build /src/target/newspush.jar /opt/newspush/newspush.jar
USER newspush
WORKDIR /var/lib/newspush
# Without NEWSPUSH_DB_URL the container runs an embedded PostgreSQL in this directory
# (mount a volume here to keep it); set NEWSPUSH_DB_URL=postgresql://user:pass@host:5432/db
# to use an external server instead.
ENV NEWSPUSH_DATA_DIR=/var/lib/newspush/data
VOLUME ["/var/lib/newspush/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/newspush/newspush.jar"]
