import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { ApiErrors } from '../common/api-errors';
import { JwksDto, ServiceConfigurationDto } from './dto/keys.dto';
import { KeysService, WELL_KNOWN_MAX_AGE_SECONDS } from './keys.service';

const CACHEABLE = `public, max-age=${WELL_KNOWN_MAX_AGE_SECONDS}`;
const CACHE_HEADER = { 'Cache-Control': { description: `\`${CACHEABLE}\``, schema: { type: 'string' as const } } };

/** For the services that verify our tokens themselves: public, outside /api, cacheable for a few minutes. */
@ApiTags('keys')
@Controller('.well-known')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  /**
   * The public keys that verify our tokens (RFC 7517): the signing key first, then the previous keys that
   * still verify during a rotation. Pick the key by the token's `kid` header and verify with the key's `alg`
   * only. Empty with HS256. Cacheable for 5 minutes; on a `kid` it does not know, fetch it again.
   */
  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', CACHEABLE)
  @ApiOperation({ operationId: 'getJwks', summary: 'The public keys that verify our tokens' })
  @ApiOkResponse({ type: JwksDto, description: 'The key set', headers: CACHE_HEADER })
  @ApiErrors(429)
  jwks(): JwksDto {
    return this.keys.jwks();
  }

  /**
   * The issuer, audience and key set a resource server checks our tokens against, and where to check that a
   * token is not revoked. Not an OAuth 2.0 or OpenID Connect discovery document: MediSync is neither.
   */
  @Get('medisync-configuration')
  @Public()
  @Header('Cache-Control', CACHEABLE)
  @ApiOperation({ operationId: 'getServiceConfiguration', summary: 'What a resource server needs to verify our tokens' })
  @ApiOkResponse({ type: ServiceConfigurationDto, description: 'The metadata document', headers: CACHE_HEADER })
  @ApiErrors(429)
  configuration(): ServiceConfigurationDto {
    return this.keys.configuration();
  }
}
