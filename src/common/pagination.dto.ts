import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { IsIsoDateTime } from './validators';

/** `?page=1&limit=20` (limit at most 100). */
export class PaginationQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  @ApiProperty({ required: false, type: 'integer', default: 1, minimum: 1, maximum: 100_000, description: 'The page to return, from 1.' })
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  @ApiProperty({ required: false, type: 'integer', default: 20, minimum: 1, maximum: 100, description: 'Rows per page, at most 100.' })
  limit?: number;
}

export class PageMetaDto {
  /** The page returned, from 1. */
  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'The page returned, from 1.' })
  page: number;
  /** Rows per page. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, example: 20, description: 'Rows per page.' })
  limit: number;
  /** Rows matching the query, on every page. */
  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Rows matching the query, on every page.' })
  total: number;
}

export function pageOf(query: PaginationQueryDto): { page: number; limit: number; offset: number } {
  const page = query.page ?? 1;
  const limit = query.limit ?? 20;
  return { page, limit, offset: (page - 1) * limit };
}

/** Escapes LIKE wildcards in user input. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Pagination plus a time range, `?from=&to=` (ISO-8601 date-times with a time zone). */
export class TimeRangeQueryDto extends PaginationQueryDto {
  /** At or after this instant (an appointment's start, an audit event's time), ISO-8601 with a time zone. */
  @IsOptional()
  @IsIsoDateTime()
  @ApiProperty({
    required: false,
    format: 'date-time',
    description: 'At or after this instant (an appointment’s start, an audit event’s time), ISO-8601 with a time zone.',
  })
  from?: string;

  /** Before this instant (an appointment's start, an audit event's time), ISO-8601 with a time zone. */
  @IsOptional()
  @IsIsoDateTime()
  @ApiProperty({
    required: false,
    format: 'date-time',
    description: 'Before this instant (an appointment’s start, an audit event’s time), ISO-8601 with a time zone.',
  })
  to?: string;
}

/** Adds the range to a query on `column` (from inclusive, to exclusive). */
export function whereInRange<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  column: string,
  query: TimeRangeQueryDto,
): SelectQueryBuilder<T> {
  if (query.from) qb.andWhere(`${column} >= :rangeFrom`, { rangeFrom: new Date(query.from) });
  if (query.to) qb.andWhere(`${column} < :rangeTo`, { rangeTo: new Date(query.to) });
  return qb;
}
